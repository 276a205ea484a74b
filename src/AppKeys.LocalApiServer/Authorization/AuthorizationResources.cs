using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>The create-only review resources of <c>authorization.k8s.io/v1</c> (served by <see cref="AccessReviewEndpoint"/>).</summary>
public static class AuthorizationResources
{
    public static readonly ApiResourceInfo SelfSubjectAccessReviews = new()
    {
        Group = "authorization.k8s.io",
        Version = "v1",
        Kind = "SelfSubjectAccessReview",
        ListKind = "SelfSubjectAccessReviewList",
        Plural = "selfsubjectaccessreviews",
        Singular = "selfsubjectaccessreview",
        Namespaced = false,
        Verbs = ["create"],
    };

    public static readonly ApiResourceInfo SelfSubjectRulesReviews = new()
    {
        Group = "authorization.k8s.io",
        Version = "v1",
        Kind = "SelfSubjectRulesReview",
        ListKind = "SelfSubjectRulesReviewList",
        Plural = "selfsubjectrulesreviews",
        Singular = "selfsubjectrulesreview",
        Namespaced = false,
        Verbs = ["create"],
    };
}
