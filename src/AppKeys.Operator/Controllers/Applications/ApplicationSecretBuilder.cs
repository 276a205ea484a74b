using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>The one place that says what an Application's Secret looks like.</summary>
public static class ApplicationSecretBuilder
{
    public static V1Secret Build(V1Alpha1Application application, EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (plan.ObservedRegenerateRequest is { } observed)
        {
            annotations[AppKeysAnnotations.ObservedRequest] = observed;
        }

        return ManagedSecrets.Build(application, spec.SecretName, spec.Namespace, ManagedSecrets.Labels(spec.Name), annotations.Count == 0 ? null : annotations, plan.Data);
    }

    /// <summary>True when <paramref name="existing"/> already has the data, labels and annotations of <paramref name="desired"/>.</summary>
    public static bool UpToDate(V1Secret existing, V1Secret desired) =>
        SecretDiff.SameData(existing.Data, desired.Data)
        && SecretDiff.Contains(existing.Metadata.Labels, desired.Metadata.Labels)
        && SecretDiff.Contains(existing.Metadata.Annotations, desired.Metadata.Annotations);
}
