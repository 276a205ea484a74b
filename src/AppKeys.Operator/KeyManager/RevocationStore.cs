using System.Collections.Concurrent;
using AppKeys.Runtime.Client;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Revoked token ids, kept in Secret <see cref="SecretName"/> of the operator namespace (docs/key-manager.md). Every
/// replica follows the Secret through its informer; a revocation is an update with the read resourceVersion (a 409
/// re-reads and retries) that also prunes expired entries.
/// </summary>
public sealed class RevocationStore
{
    public const string SecretName = "appkeys-revocations";

    private readonly KeyManagerSecrets secrets;
    private readonly TimeProvider time;
    private readonly ILogger<RevocationStore> logger;

    // Ids this replica revoked that its informer has not delivered yet (so a stale event cannot un-revoke them).
    private readonly ConcurrentDictionary<string, byte> pending = new(StringComparer.Ordinal);
    private volatile RevocationList list = RevocationList.Empty;

    public RevocationStore(KeyManagerSecrets secrets, TimeProvider time, ILogger<RevocationStore> logger)
    {
        this.secrets = secrets;
        this.time = time;
        this.logger = logger;
        secrets.OnChange(SecretName, s =>
        {
            var current = RevocationList.Parse(Stored(s));
            list = current;
            foreach (var id in pending.Keys.Where(current.Contains))
            {
                pending.TryRemove(id, out _);
            }
        });
    }

    /// <summary>Number of revoked ids this replica knows.</summary>
    public int Count => list.Count + pending.Count;

    public bool IsRevoked(string tokenId) => list.Contains(tokenId) || pending.ContainsKey(tokenId);

    /// <summary>
    /// Revokes the token <paramref name="tokenId"/> (a JWT <c>jti</c>, a sealed token's <c>jti</c>, or an
    /// ApplicationKey random token's fingerprint, i.e. the key's <c>status.tokenId</c>) until
    /// <paramref name="expiresAt"/> (null: it never expires). Every replica's introspection says inactive once its
    /// informer has the update. Idempotent. This is the hook the ApplicationKey reconciler calls for
    /// <c>appkeys.io/revoke</c>, with the key's status.tokenId and status.expiresAt, before it issues the new token.
    /// </summary>
    /// <returns>True when this call recorded the revocation; false when it was recorded already or the token has expired.</returns>
    /// <exception cref="RevocationListFullException">The list would exceed what a Secret holds.</exception>
    /// <exception cref="KubernetesApiException">The API server refused the write.</exception>
    public async Task<bool> RevokeAsync(string tokenId, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        var now = time.GetUtcNow();
        if (expiresAt is { } exp && exp <= now)
        {
            return false; // Expired already: inactive without an entry.
        }

        for (var attempt = 1; ; attempt++)
        {
            var secret = attempt == 1 ? secrets.Get(SecretName) : await secrets.Client.GetAsync(SecretName, secrets.Namespace, cancellationToken);
            var stored = RevocationList.Parse(Stored(secret));
            if (stored.Contains(tokenId))
            {
                pending.TryAdd(tokenId, 0);
                return false;
            }

            var updated = stored.With(tokenId, expiresAt, now);
            var bytes = updated.Serialize();
            if (bytes.Length > RevocationList.MaxBytes)
            {
                throw new RevocationListFullException(updated.Count);
            }

            try
            {
                if (secret is null)
                {
                    await secrets.Client.CreateAsync(OperatorSecretWriter.New(secrets.Namespace, SecretName, "revocations", new Dictionary<string, byte[]> { [RevocationList.DataKey] = bytes }), cancellationToken);
                }
                else
                {
                    // Never mutate the cached object: a copy with the read resourceVersion as precondition.
                    var copy = OperatorSecretWriter.New(secrets.Namespace, SecretName, "revocations", new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>()) { [RevocationList.DataKey] = bytes });
                    copy.Metadata.ResourceVersion = secret.Metadata.ResourceVersion;
                    copy.Metadata.Labels = secret.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : copy.Metadata.Labels;
                    await secrets.Client.ReplaceAsync(copy, cancellationToken);
                }

                pending.TryAdd(tokenId, 0);
                logger.LogInformation("Revoked token {TokenId} ({Count} revoked tokens recorded)", tokenId, updated.Count);
                return true;
            }
            catch (KubernetesApiException e) when ((e.IsConflict || e.IsAlreadyExists) && attempt < 10)
            {
                // Another replica wrote in between: read again.
            }
        }
    }

    /// <summary>
    /// The hook for the <c>appkeys.io/revoke</c> annotation: revokes the ApplicationKey's current token (its
    /// <c>status.tokenId</c> until <c>status.expiresAt</c>) on every replica. Call it before issuing the new token;
    /// when it throws, requeue and retry (nothing was issued yet). A key without a token has nothing to revoke.
    /// </summary>
    public Task<bool> RevokeCurrentTokenAsync(Apis.V1Alpha1ApplicationKeyStatus? status, CancellationToken cancellationToken) =>
        status?.TokenId is { Length: > 0 } tokenId
            ? RevokeAsync(tokenId, status.ExpiresAt is { } exp ? new DateTimeOffset(DateTime.SpecifyKind(exp, DateTimeKind.Utc)) : null, cancellationToken)
            : Task.FromResult(false);

    private static byte[]? Stored(k8s.Models.V1Secret? secret) =>
        secret?.Data is { } data && data.TryGetValue(RevocationList.DataKey, out var bytes) ? bytes : null;
}
