using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Authorization;

/// <summary>
/// The create-only review resources of <c>authorization.k8s.io/v1</c> and <c>authentication.k8s.io/v1</c>
/// (served by <see cref="AccessReviewEndpoint"/>, never stored).
/// </summary>
public static class AuthorizationResources
{
    public static readonly ApiResourceInfo SelfSubjectAccessReviews = Review("authorization.k8s.io", "SelfSubjectAccessReview");

    public static readonly ApiResourceInfo SelfSubjectRulesReviews = Review("authorization.k8s.io", "SelfSubjectRulesReview");

    public static readonly ApiResourceInfo SubjectAccessReviews = Review("authorization.k8s.io", "SubjectAccessReview");

    public static readonly ApiResourceInfo TokenReviews = Review("authentication.k8s.io", "TokenReview");

    public static readonly ApiResourceInfo SelfSubjectReviews = Review("authentication.k8s.io", "SelfSubjectReview");

    public static IReadOnlyList<ApiResourceInfo> All { get; } =
        [SelfSubjectAccessReviews, SelfSubjectRulesReviews, SubjectAccessReviews, TokenReviews, SelfSubjectReviews];

    private static ApiResourceInfo Review(string group, string kind) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        ListKind = kind + "List",
        Plural = kind.ToLowerInvariant() + "s",
        Singular = kind.ToLowerInvariant(),
        Namespaced = false,
        Verbs = ["create"],
    };
}
