using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>Completes a planned status with what the write returned: the Secret's uid and new resourceVersion.</summary>
public static class WrittenSecrets
{
    public static void Record(IList<V1Alpha1WrittenSecret>? recorded, V1Secret? written)
    {
        if (written is not null && recorded?.FirstOrDefault(s => s.Name == written.Metadata.Name) is { } entry)
        {
            entry.Uid = written.Metadata.Uid;
            entry.ResourceVersion = written.Metadata.ResourceVersion;
        }
    }
}
