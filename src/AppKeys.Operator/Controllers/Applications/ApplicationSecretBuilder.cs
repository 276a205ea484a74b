using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>The one place that says what an Application's Secret looks like (labels and annotations of others are kept).</summary>
public static class ApplicationSecretBuilder
{
    public static V1Secret Build(V1Alpha1Application application, EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan, V1Secret? existing)
    {
        var annotations = ManagedSecrets.Foreign(existing?.Metadata.Annotations);
        if (plan.ObservedRegenerateRequest is { } observed)
        {
            annotations[AppKeysAnnotations.ObservedRequest] = observed;
        }

        var labels = ManagedSecrets.Foreign(existing?.Metadata.Labels);
        foreach (var (name, value) in ManagedSecrets.Labels(spec.Name))
        {
            labels[name] = value;
        }

        var secret = ManagedSecrets.Build(application, spec.SecretName, spec.Namespace, labels, annotations.Count == 0 ? null : annotations, plan.Data);
        secret.Metadata.ResourceVersion = existing?.Metadata.ResourceVersion;
        return secret;
    }
}
