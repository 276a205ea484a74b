using k8s.Models;

namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>Whether a pod template uses a Secret: a volume, a projected volume source, an env var or envFrom of any container.</summary>
public static class SecretUse
{
    public static bool Uses(V1PodSpec? pod, string secretName)
    {
        if (pod is null)
        {
            return false;
        }

        if (pod.Volumes?.Any(v => v.Secret?.SecretName == secretName || v.Projected?.Sources?.Any(s => s.Secret?.Name == secretName) == true) == true)
        {
            return true;
        }

        var containers = (pod.Containers ?? []).Concat(pod.InitContainers ?? []);
        return containers.Any(c =>
            c.Env?.Any(e => e.ValueFrom?.SecretKeyRef?.Name == secretName) == true
            || c.EnvFrom?.Any(e => e.SecretRef?.Name == secretName) == true);
    }
}
