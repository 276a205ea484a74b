using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The JWT signing keys: kept in Secret <c>appkeys-signing-keys</c> in the operator's namespace (one PEM per
/// algorithm, <c>es256.pem</c> / <c>rs256.pem</c>), created once and race-free (create, and on AlreadyExists or a
/// conflict read what the other replica wrote). Every key in the Secret is published in the JWKS, so tokens signed
/// before an algorithm switch stay verifiable.
/// </summary>
public sealed class SigningKeyStore(
    IResourceClient<V1Secret> secrets,
    OperatorOptions options,
    TimeProvider time,
    ILogger<SigningKeyStore> logger) : IDisposable
{
    public const string SecretName = "appkeys-signing-keys";

    private readonly TaskCompletionSource<Loaded> loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the keys are loaded.</summary>
    public bool IsLoaded => loaded.Task.IsCompletedSuccessfully;

    /// <summary>The JWKS of every signing key; null until loaded.</summary>
    public string? Jwks => IsLoaded ? loaded.Task.Result.Jwks : null;

    /// <summary>The key that signs new tokens (waits until the keys are loaded).</summary>
    public async Task<SigningKeyMaterial> GetCurrentAsync(CancellationToken cancellationToken) =>
        (await loaded.Task.WaitAsync(cancellationToken)).Current;

    /// <summary>Loads the signing keys, creating the one for the configured algorithm if it does not exist yet.</summary>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        if (IsLoaded)
        {
            return loaded.Task.Result.Jwks;
        }

        var dataKey = options.SigningAlgorithm.ToString().ToLowerInvariant() + ".pem";
        for (var attempt = 1; ; attempt++)
        {
            var secret = await secrets.GetAsync(SecretName, options.Namespace, cancellationToken);
            if (secret?.Data?.ContainsKey(dataKey) == true)
            {
                var result = Load(secret, dataKey);
                loaded.TrySetResult(result);
                logger.LogInformation("Signing keys loaded from Secret {Namespace}/{Name}; signing with {Algorithm} kid {KeyId}", options.Namespace, SecretName, result.Current.AlgorithmName, result.Current.KeyId);
                return loaded.Task.Result.Jwks;
            }

            using var generated = SigningKeyMaterial.Generate(options.SigningAlgorithm, time);
            var pem = Encoding.UTF8.GetBytes(generated.ExportPrivateKeyPem().Reveal());
            try
            {
                if (secret is null)
                {
                    await secrets.CreateAsync(NewSecret(dataKey, pem), cancellationToken);
                }
                else
                {
                    secret.Data ??= new Dictionary<string, byte[]>();
                    secret.Data[dataKey] = pem;
                    await secrets.ReplaceAsync(secret, cancellationToken);
                }

                logger.LogInformation("Created {Algorithm} signing key kid {KeyId} in Secret {Namespace}/{Name}", generated.AlgorithmName, generated.KeyId, options.Namespace, SecretName);
            }
            catch (KubernetesApiException e) when ((e.IsAlreadyExists || e.IsConflict) && attempt < 10)
            {
                // Another replica won the race: read what it wrote.
            }
        }
    }

    public void Dispose()
    {
        if (IsLoaded)
        {
            foreach (var key in loaded.Task.Result.All)
            {
                key.Dispose();
            }
        }
    }

    private V1Secret NewSecret(string dataKey, byte[] pem) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new V1ObjectMeta
        {
            Name = SecretName,
            NamespaceProperty = options.Namespace,
            Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName },
        },
        Data = new Dictionary<string, byte[]> { [dataKey] = pem },
    };

    private static Loaded Load(V1Secret secret, string currentDataKey)
    {
        var createdAt = secret.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
        var all = new List<SigningKeyMaterial>();
        SigningKeyMaterial? current = null;
        foreach (var (name, pem) in secret.Data.Where(e => e.Key.EndsWith(".pem", StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var key = SigningKeyMaterial.FromPem(Encoding.UTF8.GetString(pem), createdAt);
            all.Add(key);
            if (name == currentDataKey)
            {
                current = key;
            }
        }

        // The current key first: validators that try keys in order find it quickest.
        var ordered = all.OrderBy(k => k == current ? 0 : 1).ToList();
        return new Loaded(current!, ordered, JwksDocument.Build(ordered));
    }

    private sealed record Loaded(SigningKeyMaterial Current, IReadOnlyList<SigningKeyMaterial> All, string Jwks);
}
