using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Checks an ApplicationKey before anything is issued: its own spec (<c>InvalidSpec</c>, mirroring the CRD schema and
/// its CEL rules, which the local API server does not evaluate), then against its Application
/// (<c>KeyTypeNotEnabled</c>, <c>ScopeNotAllowed</c>).
/// </summary>
public static class ApplicationKeyValidator
{
    public static NotReady? ValidateSpec(V1Alpha1ApplicationKey key)
    {
        var spec = key.Spec ?? new V1Alpha1ApplicationKeySpec();
        var effective = EffectiveKeySpec.From(key);
        var problems = new List<string>();

        if (!ObjectNames.IsValid(effective.ApplicationName))
        {
            problems.Add("spec.applicationRef.name must name an Application in the same namespace");
        }

        if (!KeyTypes.IsValid(effective.KeyType))
        {
            problems.Add($"spec.keyType must be Production or Sandbox, not \"{effective.KeyType}\"");
        }

        if (effective.ValidityPeriod > V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds)
        {
            problems.Add($"spec.validityPeriod must be at most {V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds} seconds (100 years)");
        }

        problems.AddRange(ValidityProblems(effective.ValidityPeriod, effective.NeverExpires ? null : spec.RenewBefore));

        foreach (var scope in spec.Scopes ?? [])
        {
            if (!Scopes.IsValid(scope))
            {
                problems.Add($"spec.scopes: \"{scope}\" is not a valid OAuth 2.0 scope");
            }
        }

        if (!ObjectNames.IsValid(effective.SecretName))
        {
            problems.Add("spec.secretName must be a valid Secret name (DNS-1123 subdomain, at most 253 characters)");
        }

        foreach (var reserved in effective.TemplateLabels.Keys.Concat(effective.TemplateAnnotations.Keys).Where(AppKeysLabels.IsReserved))
        {
            problems.Add($"spec.secretTemplate may not set \"{reserved}\" (reserved for the operator)");
        }

        problems.AddRange(TemplateProblems(effective));

        // Both names become label values on the Secret, which Kubernetes limits to 63 characters.
        if (key.Metadata?.Name is { Length: > MetadataRules.MaxLabelValueLength })
        {
            problems.Add($"metadata.name must be at most {MetadataRules.MaxLabelValueLength} characters (it is the value of the Secret's {AppKeysLabels.Key} label)");
        }

        if (effective.ApplicationName.Length > MetadataRules.MaxLabelValueLength)
        {
            problems.Add($"spec.applicationRef.name must be at most {MetadataRules.MaxLabelValueLength} characters (it is the value of the Secret's {AppKeysLabels.Application} label)");
        }

        return problems.Count == 0 ? null : new NotReady(ConditionReasons.InvalidSpec, string.Join("; ", problems));
    }

    /// <summary>
    /// Bounded issuance: a validity period of at least 600 s (or negative: never expires) and a renewBefore of at least
    /// 300 s that leaves the token in use for at least 300 s, so a key never renews more than every 5 minutes and a
    /// renewed token reaches a workload through a mounted Secret (≈2 minutes) before the old one expires.
    /// renewBefore is ignored for never-expiring tokens (the CRD's CEL rule allows it there too).
    /// </summary>
    public static IEnumerable<string> ValidityProblems(long validity, long? renewBefore)
    {
        const long minValidity = V1Alpha1ApplicationKeySpec.MinValidityPeriodSeconds;
        const long minRenew = V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds;
        if (validity == 0)
        {
            yield return "spec.validityPeriod must not be 0: use at least 600 seconds, or a negative value for a token that never expires";
        }
        else if (validity is > 0 and < minValidity)
        {
            yield return $"spec.validityPeriod must be at least {minValidity} seconds (a token delivered through a mounted Secret reaches the workload up to about 2 minutes late), or negative for a token that never expires";
        }

        if (validity >= minValidity && renewBefore is { } before)
        {
            if (before < minRenew)
            {
                yield return $"spec.renewBefore must be at least {minRenew} seconds (the renewed token must reach the workload before the old one expires)";
            }
            else if (before > validity - minRenew)
            {
                yield return $"spec.renewBefore must be at most spec.validityPeriod - {minRenew} ({validity - minRenew} seconds): a token is used for at least 5 minutes before it is replaced";
            }
        }
    }

    // What the API server would refuse on the Secret; names and values are quoted only when short (they are not secret).
    private static IEnumerable<string> TemplateProblems(EffectiveKeySpec spec)
    {
        foreach (var (name, value) in spec.TemplateLabels)
        {
            if (!MetadataRules.IsQualifiedName(name))
            {
                yield return $"spec.secretTemplate.labels: \"{Shorten(name)}\" is not a valid label key";
            }
            else if (!MetadataRules.IsLabelValue(value))
            {
                yield return $"spec.secretTemplate.labels[{name}]: the value must be at most {MetadataRules.MaxLabelValueLength} characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
            }
        }

        foreach (var name in spec.TemplateAnnotations.Keys.Where(k => !MetadataRules.IsQualifiedName(k)))
        {
            yield return $"spec.secretTemplate.annotations: \"{Shorten(name)}\" is not a valid annotation key";
        }

        // The operator's own annotations need room too.
        if (MetadataRules.AnnotationsBytes(spec.TemplateAnnotations) > MetadataRules.MaxAnnotationsBytes - 4096)
        {
            yield return $"spec.secretTemplate.annotations must total less than {(MetadataRules.MaxAnnotationsBytes - 4096) / 1024} KiB";
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
