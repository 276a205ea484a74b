namespace AppKeys.Operator.KeyManager;

/// <summary>
/// The sealing keys of opaque tokens, in Secret <see cref="SecretName"/> of the operator namespace: created once by
/// whichever replica comes first, then followed through the informer (a key added for rotation is used at once).
/// </summary>
public sealed class TokenKeyStore
{
    public const string SecretName = "appkeys-token-keys";

    private readonly KeyManagerSecrets secrets;
    private readonly TimeProvider time;
    private readonly ILogger<TokenKeyStore> logger;
    private volatile TokenKeyRing? ring;

    public TokenKeyStore(KeyManagerSecrets secrets, TimeProvider time, ILogger<TokenKeyStore> logger)
    {
        this.secrets = secrets;
        this.time = time;
        this.logger = logger;
        secrets.OnChange(SecretName, s =>
        {
            if (s is not null && Load(s) is { } loaded)
            {
                ring = loaded;
            }
        });
    }

    /// <summary>The keys; null until <see cref="EnsureAsync"/> has run.</summary>
    public TokenKeyRing? Ring => ring;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var secret = await OperatorSecretWriter.GetOrCreateAsync(secrets.Client, secrets.Namespace, SecretName, () =>
            OperatorSecretWriter.New(secrets.Namespace, SecretName, "token-keys", new Dictionary<string, byte[]>
            {
                [$"k-{time.GetUtcNow().ToUnixTimeSeconds()}"] = TokenKeyRing.NewKey(),
            }), cancellationToken);
        ring ??= Load(secret) ?? throw new InvalidOperationException($"Secret {secrets.Namespace}/{SecretName} holds no 32-byte key");
        logger.LogInformation("Opaque token keys loaded from Secret {Namespace}/{Name}: {Count} key(s)", secrets.Namespace, SecretName, ring.Count);
    }

    private static TokenKeyRing? Load(k8s.Models.V1Secret secret)
    {
        var keys = (secret.Data ?? new Dictionary<string, byte[]>()).Where(e => e.Key.StartsWith("k-", StringComparison.Ordinal) && e.Value?.Length == TokenKeyRing.KeyBytes).ToList();
        return keys.Count == 0 ? null : new TokenKeyRing(keys);
    }
}
