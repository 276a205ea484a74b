using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Registry;

/// <summary>The built-in kinds the local server serves (names, scopes and short names as kube-apiserver 1.32 reports them).</summary>
public static class BuiltInResources
{
    private static readonly string[] NoCollectionDelete = ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static readonly ApiResourceInfo Namespaces = Define("", "v1", "Namespace", "namespaces", namespaced: false) with
    {
        ShortNames = ["ns"],
        HasStatusSubresource = true,
        Verbs = NoCollectionDelete,
        SelectableFields = ["status.phase"],
    };

    public static readonly ApiResourceInfo Secrets = Define("", "v1", "Secret", "secrets", namespaced: true) with
    {
        SelectableFields = ["type"],
    };

    public static readonly ApiResourceInfo ConfigMaps = Define("", "v1", "ConfigMap", "configmaps", namespaced: true) with
    {
        ShortNames = ["cm"],
    };

    public static readonly ApiResourceInfo Events = Define("", "v1", "Event", "events", namespaced: true) with
    {
        ShortNames = ["ev"],
        SelectableFields =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };

    public static readonly ApiResourceInfo ServiceAccounts = Define("", "v1", "ServiceAccount", "serviceaccounts", namespaced: true) with
    {
        ShortNames = ["sa"],
    };

    public static readonly ApiResourceInfo Services = Define("", "v1", "Service", "services", namespaced: true) with
    {
        ShortNames = ["svc"],
        Categories = ["all"],
        HasStatusSubresource = true,
        Verbs = NoCollectionDelete,
    };

    public static readonly ApiResourceInfo Leases = Define("coordination.k8s.io", "v1", "Lease", "leases", namespaced: true);

    public static readonly ApiResourceInfo EventsV1 = Define("events.k8s.io", "v1", "Event", "events", namespaced: true) with
    {
        ShortNames = ["ev"],
        SelectableFields = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "type", "reportingController"],
    };

    public static readonly ApiResourceInfo Deployments = Define("apps", "v1", "Deployment", "deployments", namespaced: true) with
    {
        ShortNames = ["deploy"],
        Categories = ["all"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo StatefulSets = Define("apps", "v1", "StatefulSet", "statefulsets", namespaced: true) with
    {
        ShortNames = ["sts"],
        Categories = ["all"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo DaemonSets = Define("apps", "v1", "DaemonSet", "daemonsets", namespaced: true) with
    {
        ShortNames = ["ds"],
        Categories = ["all"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo Roles = Define("rbac.authorization.k8s.io", "v1", "Role", "roles", namespaced: true);

    public static readonly ApiResourceInfo ClusterRoles = Define("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", namespaced: false);

    public static readonly ApiResourceInfo RoleBindings = Define("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", namespaced: true);

    public static readonly ApiResourceInfo ClusterRoleBindings = Define("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", namespaced: false);

    public static readonly ApiResourceInfo PodDisruptionBudgets = Define("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", namespaced: true) with
    {
        ShortNames = ["pdb"],
        HasStatusSubresource = true,
    };

    public static readonly ApiResourceInfo CustomResourceDefinitions = Define("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false) with
    {
        ShortNames = ["crd", "crds"],
        Categories = ["api-extensions"],
        HasStatusSubresource = true,
    };

    /// <summary>
    /// The create-only review resources of <c>authorization.k8s.io/v1</c> and <c>authentication.k8s.io/v1</c>
    /// (served by <c>Authorization/AccessReviewEndpoint</c>, never stored).
    /// </summary>
    public static readonly ApiResourceInfo SelfSubjectAccessReviews = Review("authorization.k8s.io", "SelfSubjectAccessReview");

    public static readonly ApiResourceInfo SelfSubjectRulesReviews = Review("authorization.k8s.io", "SelfSubjectRulesReview");

    public static readonly ApiResourceInfo SubjectAccessReviews = Review("authorization.k8s.io", "SubjectAccessReview");

    public static readonly ApiResourceInfo TokenReviews = Review("authentication.k8s.io", "TokenReview");

    public static readonly ApiResourceInfo SelfSubjectReviews = Review("authentication.k8s.io", "SelfSubjectReview");

    /// <summary>The review resources (declared before <see cref="All"/>, which includes them).</summary>
    public static IReadOnlyList<ApiResourceInfo> Reviews { get; } =
        [SelfSubjectAccessReviews, SelfSubjectRulesReviews, SubjectAccessReviews, TokenReviews, SelfSubjectReviews];

    public static IReadOnlyList<ApiResourceInfo> All { get; } =
    [
        Namespaces, Secrets, ConfigMaps, Events, ServiceAccounts, Services, Leases, EventsV1, Deployments,
        StatefulSets, DaemonSets, Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, PodDisruptionBudgets, CustomResourceDefinitions,
        .. Reviews,
    ];

    /// <summary>
    /// Kinds that are not served as resources here but name the object in Invalid errors (option kinds, the scale
    /// and TokenRequest subresources' kinds); not in <see cref="All"/>.
    /// </summary>
    public static readonly ApiResourceInfo ListOptionsKind = Define("meta.k8s.io", "v1", "ListOptions", "listoptions", namespaced: false);

    public static readonly ApiResourceInfo TokenRequests = Define("authentication.k8s.io", "v1", "TokenRequest", "tokenrequests", namespaced: true);

    public static readonly ApiResourceInfo PatchOptionsKind = Define("meta.k8s.io", "v1", "PatchOptions", "patchoptions", namespaced: false);

    public static readonly ApiResourceInfo DeleteOptionsKind = Define("meta.k8s.io", "v1", "DeleteOptions", "deleteoptions", namespaced: false);

    /// <summary>autoscaling.Kind("Scale") for the 422 text: <c>Scale.autoscaling "web" is invalid: ...</c>.</summary>
    public static readonly ApiResourceInfo Scales = Define("autoscaling", "v1", "Scale", "scales", namespaced: true);

    /// <summary>
    /// Storage shared between served resources: events.k8s.io/v1 events live with core/v1 events (as in kube,
    /// where both are views of one etcd key space); everything else is stored per group and plural.
    /// </summary>
    public static string StorageKey(ApiResourceInfo resource) =>
        resource.Plural == "events" && resource.Group is "" or "events.k8s.io" ? "/events" : $"{resource.Group}/{resource.Plural}";

    /// <summary>Kinds whose strategy maintains <c>metadata.generation</c> in kube.</summary>
    public static bool TracksGeneration(ApiResourceInfo resource) =>
        resource.IsCustom || (resource.Group, resource.Plural) is ("apps", "deployments" or "statefulsets" or "daemonsets")
            or ("apiextensions.k8s.io", "customresourcedefinitions") or ("policy", "poddisruptionbudgets");

    /// <summary>A built-in kind: its list kind is <c>KindList</c> and its singular the lower-cased kind, as for every kube built-in.</summary>
    private static ApiResourceInfo Define(string group, string version, string kind, string plural, bool namespaced) => new()
    {
        Group = group,
        Version = version,
        Kind = kind,
        ListKind = kind + "List",
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Namespaced = namespaced,
    };

    /// <summary>A review kind: create-only, cluster-scoped, plural the lower-cased kind plus "s".</summary>
    private static ApiResourceInfo Review(string group, string kind) => Define(group, "v1", kind, kind.ToLowerInvariant() + "s", namespaced: false) with
    {
        Verbs = ["create"],
    };

    /// <summary>Leases may be created by PUT and need a resourceVersion on update (kube: AllowUnconditionalUpdate false).</summary>
    public static bool IsLease(ApiResourceInfo resource) => resource.Group == "coordination.k8s.io" && resource.Plural == "leases";
}
