using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>An Application's spec with every default applied (the local API server defaults too; this keeps the operator correct without it).</summary>
public sealed record EffectiveApplicationSpec(
    string Name,
    string Namespace,
    string DisplayName,
    string Owner,
    string TokenType,
    string ThrottlingPolicy,
    IReadOnlyList<string> KeyTypes,
    IReadOnlyList<string>? AllowedScopes,
    IReadOnlyList<string> GrantTypes,
    string? CallbackUrl,
    string SecretName,
    SecretRotationSettings? Rotation)
{
    public static EffectiveApplicationSpec From(V1Alpha1Application application)
    {
        var spec = application.Spec ?? new V1Alpha1ApplicationSpec();
        var name = application.Metadata.Name;
        return new EffectiveApplicationSpec(
            name,
            application.Metadata.NamespaceProperty ?? "",
            string.IsNullOrEmpty(spec.DisplayName) ? name : spec.DisplayName,
            spec.Owner ?? "",
            string.IsNullOrEmpty(spec.TokenType) ? TokenTypes.Jwt : spec.TokenType,
            string.IsNullOrEmpty(spec.ThrottlingPolicy) ? "Unlimited" : spec.ThrottlingPolicy,
            spec.KeyTypes is { Count: > 0 } keyTypes ? [.. keyTypes.Distinct(StringComparer.Ordinal)] : [Apis.KeyTypes.Production],
            spec.AllowedScopes is null ? null : [.. spec.AllowedScopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            spec.GrantTypes is { Count: > 0 } grantTypes ? [.. grantTypes.Distinct(StringComparer.Ordinal)] : [Apis.GrantTypes.ClientCredentials],
            spec.CallbackUrl,
            string.IsNullOrEmpty(spec.SecretName) ? $"{name}-credentials" : spec.SecretName,
            spec.SecretRotation is { } rotation
                ? new SecretRotationSettings(
                    TimeSpan.FromSeconds(Math.Clamp(rotation.GracePeriodSeconds ?? 0, 0, V1Alpha1SecretRotation.MaxGracePeriodSeconds)),
                    rotation.PeriodSeconds is { } period ? TimeSpan.FromSeconds(Math.Clamp(period, V1Alpha1SecretRotation.MinPeriodSeconds, V1Alpha1SecretRotation.MaxPeriodSeconds)) : null)
                : null);
    }
}
