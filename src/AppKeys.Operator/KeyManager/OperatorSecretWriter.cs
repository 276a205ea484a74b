using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>Creates the key manager's own Secrets in the operator namespace, once and race-free.</summary>
internal static class OperatorSecretWriter
{
    public const string ComponentLabel = "appkeys.io/component";

    public static V1Secret New(string @namespace, string name, string component, IDictionary<string, byte[]> data, string type = "Opaque") => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = type,
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName, [ComponentLabel] = component },
        },
        Data = data,
    };

    /// <summary>
    /// The Secret <paramref name="name"/>: read, or created from <paramref name="create"/> when missing; when another
    /// replica creates it first, what it wrote is read and used.
    /// </summary>
    public static async Task<V1Secret> GetOrCreateAsync(IResourceClient<V1Secret> client, string @namespace, string name, Func<V1Secret> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await client.GetAsync(name, @namespace, cancellationToken) is { } existing)
            {
                return existing;
            }

            try
            {
                return await client.CreateAsync(create(), cancellationToken);
            }
            catch (KubernetesApiException e) when (e.IsAlreadyExists && attempt < 5)
            {
                // Another replica won: read its Secret.
            }
        }
    }
}
