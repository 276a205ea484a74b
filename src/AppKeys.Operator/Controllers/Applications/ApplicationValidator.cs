using System.Text.RegularExpressions;
using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Re-checks an Application's spec against the rules of its CRD schema: the local API server (and a cluster with an
/// older schema) may let invalid objects through, and the operator must never act on one.
/// </summary>
public static partial class ApplicationValidator
{
    public static NotReady? Validate(V1Alpha1Application application)
    {
        var spec = application.Spec ?? new V1Alpha1ApplicationSpec();
        var effective = EffectiveApplicationSpec.From(application);
        var problems = new List<string>();

        if (!TokenTypes.IsValid(effective.TokenType))
        {
            problems.Add($"spec.tokenType must be {TokenTypes.Jwt} or {TokenTypes.Opaque}, not \"{effective.TokenType}\"");
        }

        if (spec.DisplayName is { Length: > 70 })
        {
            problems.Add("spec.displayName must be at most 70 characters");
        }

        if (!ThrottlingPolicyRegex().IsMatch(effective.ThrottlingPolicy) || effective.ThrottlingPolicy.Length > 64)
        {
            problems.Add("spec.throttlingPolicy must be 1-64 characters of letters, digits, '_', '.' or '-'");
        }

        foreach (var keyType in effective.KeyTypes.Where(k => !KeyTypes.IsValid(k)))
        {
            problems.Add($"spec.keyTypes: \"{keyType}\" is not Production or Sandbox");
        }

        foreach (var grantType in effective.GrantTypes.Where(g => !GrantTypes.All.Contains(g)))
        {
            problems.Add($"spec.grantTypes: \"{grantType}\" is not a supported grant type");
        }

        foreach (var scope in effective.AllowedScopes ?? [])
        {
            if (!Scopes.IsValid(scope))
            {
                problems.Add($"spec.allowedScopes: \"{scope}\" is not a valid OAuth 2.0 scope");
            }
        }

        if (spec.CallbackUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            problems.Add("spec.callbackUrl must be an absolute http or https URL");
        }

        if (spec.SecretRotation is { } rotation)
        {
            if (rotation.GracePeriodSeconds is < 0 or > V1Alpha1SecretRotation.MaxGracePeriodSeconds)
            {
                problems.Add($"spec.secretRotation.gracePeriodSeconds must be between 0 and {V1Alpha1SecretRotation.MaxGracePeriodSeconds} (30 days)");
            }

            if (rotation.PeriodSeconds is < V1Alpha1SecretRotation.MinPeriodSeconds or > V1Alpha1SecretRotation.MaxPeriodSeconds)
            {
                problems.Add($"spec.secretRotation.periodSeconds must be between {V1Alpha1SecretRotation.MinPeriodSeconds} (1 hour) and {V1Alpha1SecretRotation.MaxPeriodSeconds} (366 days)");
            }

            if (rotation.PeriodSeconds is { } period && rotation.GracePeriodSeconds is { } grace && grace >= period)
            {
                problems.Add("spec.secretRotation.gracePeriodSeconds must be less than periodSeconds");
            }
        }

        if (application.Metadata?.Name is { Length: > MetadataRules.MaxLabelValueLength })
        {
            problems.Add($"metadata.name must be at most {MetadataRules.MaxLabelValueLength} characters (it is the value of the {AppKeysLabels.Application} label on the Secrets)");
        }

        if (!ObjectNames.IsValid(effective.SecretName))
        {
            problems.Add("spec.secretName must be a valid Secret name (DNS-1123 subdomain, at most 253 characters)");
        }

        return problems.Count == 0 ? null : new NotReady(ConditionReasons.InvalidSpec, string.Join("; ", problems));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex ThrottlingPolicyRegex();
}
