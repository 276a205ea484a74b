using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>An ApplicationKey's spec with every default applied.</summary>
public sealed record EffectiveKeySpec(
    string Name,
    string Namespace,
    string ApplicationName,
    string KeyType,
    IReadOnlyList<string> Scopes,
    long ValidityPeriod,
    long? RenewBefore,
    string SecretName,
    IReadOnlyDictionary<string, string> TemplateLabels,
    IReadOnlyDictionary<string, string> TemplateAnnotations)
{
    public bool NeverExpires => ValidityPeriod < 0;

    /// <summary>
    /// The renewBefore to apply, in whole seconds; null when the token never expires. Unset: one third of the validity
    /// period, at least <see cref="V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds"/>. Never less than that minimum,
    /// nor leaving the token in use for less (values the validator refuses are clamped, never honoured).
    /// </summary>
    public TimeSpan? RenewBeforeSpan => NeverExpires ? null : TimeSpan.FromSeconds(Math.Clamp(
        RenewBefore ?? ValidityPeriod / 3,
        V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds,
        Math.Max(V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds, ValidityPeriod - V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds)));

    public static EffectiveKeySpec From(V1Alpha1ApplicationKey key)
    {
        var spec = key.Spec ?? new V1Alpha1ApplicationKeySpec();
        return new EffectiveKeySpec(
            key.Metadata.Name,
            key.Metadata.NamespaceProperty ?? "",
            spec.ApplicationRef?.Name ?? "",
            string.IsNullOrEmpty(spec.KeyType) ? KeyTypes.Production : spec.KeyType,
            Controllers.Scopes.Normalize(spec.Scopes),
            spec.ValidityPeriod ?? V1Alpha1ApplicationKeySpec.DefaultValidityPeriodSeconds,
            spec.RenewBefore,
            string.IsNullOrEmpty(spec.SecretName) ? key.Metadata.Name : spec.SecretName,
            new Dictionary<string, string>(spec.SecretTemplate?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            new Dictionary<string, string>(spec.SecretTemplate?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal));
    }
}
