using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>Desired state of an <see cref="V1Alpha1Application"/>.</summary>
public sealed class V1Alpha1ApplicationSpec
{
    [JsonPropertyName("displayName")]
    [Description("Human-readable name of the application; defaults to metadata.name. Carried into the JWT 'application.name' claim.")]
    [SchemaRange(Min = 1, Max = 70)]
    public string? DisplayName { get; set; }

    [JsonPropertyName("description")]
    [Description("Free-text description of the application.")]
    [SchemaRange(Max = 1024)]
    public string? Description { get; set; }

    [JsonPropertyName("owner")]
    [Description("Owner of the application (a user or team). Carried into the JWT 'application.owner' claim.")]
    [SchemaRange(Max = 253)]
    public string? Owner { get; set; }

    [JsonPropertyName("tokenType")]
    [Description("Kind of access token issued for this application's keys: JWT (self-contained, signed) or Opaque (random).")]
    [SchemaEnum(TokenTypes.Jwt, TokenTypes.Opaque)]
    [SchemaDefault("\"JWT\"")]
    public string? TokenType { get; set; }

    [JsonPropertyName("throttlingPolicy")]
    [Description("Throttling policy (tier) applied per access token, such as Unlimited or 10PerMin. Carried into the JWT 'application.tier' claim.")]
    [SchemaPattern("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    [SchemaRange(Max = 64)]
    [SchemaDefault("\"Unlimited\"")]
    public string? ThrottlingPolicy { get; set; }

    [JsonPropertyName("keyTypes")]
    [Description("Key types enabled for this application; a consumer key and secret are generated for each.")]
    [SchemaItems(Enum = [Apis.KeyTypes.Production, Apis.KeyTypes.Sandbox])]
    [SchemaRange(Min = 1, Max = 2)]
    [SchemaListType("set")]
    [SchemaDefault("[\"Production\"]")]
    public IList<string>? KeyTypes { get; set; }

    [JsonPropertyName("allowedScopes")]
    [Description("When set, ApplicationKeys of this application may request only these scopes; otherwise any scope may be requested.")]
    [SchemaItems(Pattern = AppKeysApi.ScopePattern, MaxLength = 256)]
    [SchemaRange(Max = 128)]
    [SchemaListType("set")]
    public IList<string>? AllowedScopes { get; set; }

    [JsonPropertyName("tokenValidityPeriod")]
    [Description("Default lifetime, in seconds, of tokens the key manager's token endpoint issues for this application (a request's validity_period may shorten it, never extend it). A negative value issues tokens that never expire. 0 is invalid.")]
    [SchemaRange(Max = V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds)]
    [SchemaDefault("3600")]
    [SchemaValidation("self != 0", "tokenValidityPeriod must not be 0 (use a negative value for tokens that never expire)")]
    public long? TokenValidityPeriod { get; set; }

    [JsonPropertyName("grantTypes")]
    [Description("OAuth 2.0 grant types the application supports.")]
    [SchemaItems(Enum = ["client_credentials", "authorization_code", "refresh_token", "password", "implicit", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:token-exchange"])]
    [SchemaRange(Min = 1, Max = 8)]
    [SchemaListType("set")]
    [SchemaDefault("[\"client_credentials\"]")]
    public IList<string>? GrantTypes { get; set; }

    [JsonPropertyName("callbackUrl")]
    [Description("OAuth 2.0 redirect URI of the application (http or https).")]
    [SchemaPattern("^https?://[^\\s]+$")]
    [SchemaRange(Max = 2048)]
    public string? CallbackUrl { get; set; }

    [JsonPropertyName("secretName")]
    [Description("Name of the Secret, in the application's namespace, that holds the consumer keys and secrets. Defaults to '<name>-credentials'.")]
    [SchemaPattern(AppKeysApi.DnsSubdomainPattern)]
    [SchemaRange(Max = 253)]
    public string? SecretName { get; set; }

    [JsonPropertyName("secretRotation")]
    [Description("Rotation of the consumer secrets: a grace period during which the previous secret stays valid, and an optional automatic rotation period. When unset, a regenerated secret replaces the old one at once.")]
    public V1Alpha1SecretRotation? SecretRotation { get; set; }

    [JsonPropertyName("rolloutRestartTargets")]
    [Description("Deployments, StatefulSets and DaemonSets in the application's namespace to restart (as kubectl rollout restart does) when a consumer secret in the application's Secret changes (regeneration, repair), at most once per target per --rollout-restart-min-interval. Needs the operator's opt-in RBAC (chart value rolloutRestart.enabled, kustomize component config/components/rollout-restart); without it the application reports RolloutRestart=False, reason Forbidden.")]
    [SchemaRange(Max = V1Alpha1RolloutRestartTarget.MaxTargets)]
    [SchemaListType("map", MapKeys = ["kind", "name"])]
    public IList<V1Alpha1RolloutRestartTarget>? RolloutRestartTargets { get; set; }
}
