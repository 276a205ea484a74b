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

    /// <summary>Kubernetes object names (DNS-1123 subdomain), as a CRD schema pattern (Go RE2: <c>$</c> is the end of text).</summary>
    public const string DnsSubdomainPattern = DnsSubdomainStart + "$";

    /// <summary>The same for .NET: its <c>$</c> also matches before a final newline, so <c>\z</c> ends it.</summary>
    public const string DnsSubdomainDotNetPattern = DnsSubdomainStart + @"\z";

    /// <summary>An OAuth 2.0 scope token (RFC 6749 §3.3): printable ASCII without space, quote or backslash (CRD pattern).</summary>
    public const string ScopePattern = ScopeStart + "$";

    /// <summary>The same for .NET (<c>\z</c>, see <see cref="DnsSubdomainDotNetPattern"/>).</summary>
    public const string ScopeDotNetPattern = ScopeStart + @"\z";

    private const string DnsSubdomainStart = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    private const string ScopeStart = @"^[\x21\x23-\x5B\x5D-\x7E]+";
}
