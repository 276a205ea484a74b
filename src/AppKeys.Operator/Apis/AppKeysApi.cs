namespace AppKeys.Operator.Apis;

/// <summary>Names of the <c>appkeys.io/v1alpha1</c> API.</summary>
public static class AppKeysApi
{
    public const string Group = "appkeys.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;

    public const string ApplicationKind = "Application";
    public const string ApplicationPlural = "applications";
    public const string ApplicationKeyKind = "ApplicationKey";
    public const string ApplicationKeyPlural = "applicationkeys";

    /// <summary>Category shared by both kinds: <c>kubectl get appkeys</c>.</summary>
    public const string Category = "appkeys";

    /// <summary>Manager name used for labels and field managers.</summary>
    public const string ManagerName = "appkeys-operator";

    /// <summary>Kubernetes object names (DNS-1123 subdomain).</summary>
    public const string DnsSubdomainPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>An OAuth 2.0 scope token (RFC 6749 §3.3): printable ASCII without space, quote or backslash.</summary>
    public const string ScopePattern = @"^[\x21\x23-\x5B\x5D-\x7E]+$";
}
