using System.Collections.Frozen;
using System.Text.Json;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Revoked token ids with the expiry of their token (Unix seconds; -1: never expires), as stored in
/// <c>revoked.json</c>. Immutable; an expired entry is pruned on the next write.
/// </summary>
public sealed class RevocationList
{
    public const string DataKey = "revoked.json";

    /// <summary>Largest serialized list: a Secret holds at most 1 MiB.</summary>
    public const int MaxBytes = 900 * 1024;

    public static readonly RevocationList Empty = new(FrozenDictionary<string, long>.Empty);

    private readonly FrozenDictionary<string, long> entries;

    private RevocationList(FrozenDictionary<string, long> entries) => this.entries = entries;

    public int Count => entries.Count;

    public bool Contains(string tokenId) => entries.ContainsKey(tokenId);

    public static RevocationList Parse(byte[]? json)
    {
        if (json is not { Length: > 0 })
        {
            return Empty;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(json, KeyManagerJson.Default.DictionaryStringInt64);
            return parsed is null ? Empty : new RevocationList(parsed.ToFrozenDictionary(StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            // A hand-edited, broken list is treated as empty rather than wedging every replica; the next revocation rewrites it.
            return Empty;
        }
    }

    /// <summary>This list without entries expired at <paramref name="now"/>, plus <paramref name="tokenId"/>.</summary>
    public RevocationList With(string tokenId, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        var kept = entries.Where(e => e.Value < 0 || e.Value > nowSeconds).ToDictionary(StringComparer.Ordinal);
        kept[tokenId] = expiresAt?.ToUnixTimeSeconds() ?? -1;
        return new RevocationList(kept.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public byte[] Serialize() =>
        JsonSerializer.SerializeToUtf8Bytes(entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal), KeyManagerJson.Default.DictionaryStringInt64);
}
