using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;

namespace AppKeys.Operator.KeyManager;

/// <summary>An Application key type seen as an OAuth client: its consumer key and the Application it belongs to.</summary>
/// <param name="ConsumerKey">The client id.</param>
/// <param name="KeyType">Production or Sandbox.</param>
/// <param name="Application">The cached Application (never mutate).</param>
/// <param name="Spec">Its spec with defaults applied.</param>
public sealed record OAuthClient(string ConsumerKey, string KeyType, V1Alpha1Application Application, EffectiveApplicationSpec Spec)
{
    public string Namespace => Spec.Namespace;

    public string ApplicationId => Application.Status?.ApplicationId ?? "";

    /// <summary>Default token lifetime, seconds (spec.tokenValidityPeriod, default 3600; negative: never expires).</summary>
    public long TokenValidityPeriod => Application.Spec?.TokenValidityPeriod is { } v and not 0 ? v : 3600;

    /// <summary>True when every scope in <paramref name="scopes"/> is allowed now.</summary>
    public bool Allows(IEnumerable<string> scopes) =>
        Spec.AllowedScopes is not { } allowed || scopes.All(s => allowed.Contains(s, StringComparer.Ordinal));
}
