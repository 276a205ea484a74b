using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;

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

        // renewBefore is ignored for never-expiring tokens (the CRD's CEL rule allows it there too).
        var renewBefore = effective.NeverExpires || spec.RenewBefore is null ? (TimeSpan?)null
            : spec.RenewBefore <= 0 ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(spec.RenewBefore.Value, V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds + 1));
        if (ValidityPolicy.Validate(effective.ValidityPeriod, renewBefore) is { } validityProblem)
        {
            problems.Add(validityProblem.Replace("validityPeriod", "spec.validityPeriod", StringComparison.Ordinal).Replace("renewBefore", "spec.renewBefore", StringComparison.Ordinal));
        }

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

    public static NotReady? ValidateAgainst(EffectiveKeySpec key, EffectiveApplicationSpec application)
    {
        if (!application.KeyTypes.Contains(key.KeyType, StringComparer.Ordinal))
        {
            return new NotReady(
                ConditionReasons.KeyTypeNotEnabled,
                $"Application {application.Name} does not enable key type {key.KeyType} (enabled: {string.Join(", ", application.KeyTypes)})");
        }

        if (application.AllowedScopes is { } allowed)
        {
            var refused = key.Scopes.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).ToList();
            if (refused.Count > 0)
            {
                return new NotReady(
                    ConditionReasons.ScopeNotAllowed,
                    $"Scopes not allowed by Application {application.Name}: {string.Join(", ", refused)} (allowed: {string.Join(", ", allowed)})");
            }
        }

        return null;
    }
}
