using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The signing Secret's format: <c>keys.json</c> (the states, no key material) and one PKCS#8 PEM per key,
/// <c>&lt;kid&gt;.pem</c>. A Secret of the first release (<c>es256.pem</c> / <c>rs256.pem</c>, no <c>keys.json</c>) is
/// read as a key set: the key of the configured algorithm current since the Secret was created, the other retired.
/// </summary>
public static class SigningKeySecret
{
    public const string SecretName = "appkeys-signing-keys";
    public const string StateKey = "keys.json";
    public const string PemSuffix = ".pem";

    /// <summary>Annotation that starts a normal rotation when its value changes.</summary>
    public const string RotateAnnotation = "appkeys.io/rotate";

    /// <summary>Annotation that revokes the key whose kid it names, at once.</summary>
    public const string RevokeAnnotation = "appkeys.io/revoke-signing-key";

    /// <summary>A key set read from a Secret: the set, the private keys it holds (by kid), and whether anything was missing or malformed.</summary>
    public sealed record Contents(SigningKeySet Set, IReadOnlyDictionary<string, SigningKeyMaterial> Materials, bool Complete);

    /// <summary>Reads the Secret; null when it holds no usable current key (then the keys are lost). Never throws on bad content.</summary>
    public static Contents? Read(V1Secret? secret, SigningKeyAlgorithm algorithm, DateTimeOffset now)
    {
        var data = secret?.Data;
        if (data is null)
        {
            return null;
        }

        var materials = new Dictionary<string, SigningKeyMaterial>(StringComparer.Ordinal);
        var complete = true;
        SigningKeySet? set;
        if (data.TryGetValue(StateKey, out var state))
        {
            set = ParseState(state);
            if (set is null)
            {
                return null;
            }

            var kept = new List<SigningKeyEntry>();
            foreach (var entry in set.Keys)
            {
                if (entry.State == SigningKeyState.Revoked)
                {
                    kept.Add(entry);
                }
                else if (data.TryGetValue(entry.KeyId + PemSuffix, out var pem) && TryLoad(pem, entry.CreatedAt) is { } key && key.KeyId == entry.KeyId && key.Algorithm == entry.Algorithm)
                {
                    materials[entry.KeyId] = key;
                    kept.Add(entry);
                }
                else
                {
                    complete = false;
                }
            }

            complete &= data.Count == 1 + kept.Count(k => k.State != SigningKeyState.Revoked);
            set = set with { Keys = kept };
        }
        else
        {
            set = ReadLegacy(secret!, algorithm, now, materials);
        }

        if (set.Keys.Count(k => k.State == SigningKeyState.Current) != 1)
        {
            foreach (var key in materials.Values)
            {
                key.Dispose();
            }

            return null;
        }

        return new Contents(set, materials, complete);
    }

    /// <summary>The Secret's data for <paramref name="set"/>: <c>keys.json</c> and the PEM of every key that is not revoked.</summary>
    public static Dictionary<string, byte[]> Data(SigningKeySet set, IReadOnlyDictionary<string, SigningKeyMaterial> materials)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(materials);
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [StateKey] = WriteState(set) };
        foreach (var entry in set.Keys.Where(k => k.State != SigningKeyState.Revoked))
        {
            data[entry.KeyId + PemSuffix] = Encoding.UTF8.GetBytes(materials[entry.KeyId].ExportPrivateKeyPem().Reveal());
        }

        return data;
    }

    /// <summary>A new signing Secret in <paramref name="namespace"/>.</summary>
    public static V1Secret New(string @namespace, Dictionary<string, byte[]> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new V1ObjectMeta
        {
            Name = SecretName,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { [AppKeysLabels.ManagedBy] = AppKeysApi.ManagerName },
        },
        Data = data,
    };

    /// <summary>Whether two Secret data maps hold the same bytes.</summary>
    public static bool SameData(IDictionary<string, byte[]>? a, IDictionary<string, byte[]>? b) =>
        a is not null && b is not null && a.Count == b.Count
        && a.All(e => b.TryGetValue(e.Key, out var other) && other is not null && e.Value is not null && e.Value.AsSpan().SequenceEqual(other));

    public static byte[] WriteState(SigningKeySet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            if (set.ObservedRotateRequest is { } rotate)
            {
                w.WriteString("observedRotateRequest", rotate);
            }

            if (set.ObservedRevokeRequest is { } revoke)
            {
                w.WriteString("observedRevokeRequest", revoke);
            }

            w.WriteBoolean("rotationRequested", set.RotationRequested);
            w.WriteStartArray("keys");
            foreach (var k in set.Keys)
            {
                w.WriteStartObject();
                w.WriteString("kid", k.KeyId);
                w.WriteString("alg", k.Algorithm.ToString());
                w.WriteString("state", k.State.ToString());
                WriteTime(w, "createdAt", k.CreatedAt);
                WriteTime(w, "activatedAt", k.ActivatedAt);
                WriteTime(w, "retiredAt", k.RetiredAt);
                WriteTime(w, "keepUntil", k.KeepUntil);
                if (k.RemintPending)
                {
                    w.WriteBoolean("remintPending", true);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses <c>keys.json</c>; null when it is not a key set this version understands.</summary>
    public static SigningKeySet? ParseState(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.GetInt32() != 1)
            {
                return null;
            }

            var keys = new List<SigningKeyEntry>();
            foreach (var k in root.GetProperty("keys").EnumerateArray())
            {
                keys.Add(new SigningKeyEntry(
                    k.GetProperty("kid").GetString() ?? throw new FormatException("kid"),
                    Enum.Parse<SigningKeyAlgorithm>(k.GetProperty("alg").GetString()!, ignoreCase: false),
                    Enum.Parse<SigningKeyState>(k.GetProperty("state").GetString()!, ignoreCase: false),
                    Time(k, "createdAt") ?? throw new FormatException("createdAt"),
                    Time(k, "activatedAt"),
                    Time(k, "retiredAt"),
                    Time(k, "keepUntil"),
                    k.TryGetProperty("remintPending", out var pending) && pending.GetBoolean()));
            }

            if (keys.Select(k => k.KeyId).Distinct(StringComparer.Ordinal).Count() != keys.Count)
            {
                return null;
            }

            return new SigningKeySet(
                keys,
                root.TryGetProperty("observedRotateRequest", out var rotate) ? rotate.GetString() : null,
                root.TryGetProperty("observedRevokeRequest", out var revoke) ? revoke.GetString() : null,
                root.TryGetProperty("rotationRequested", out var requested) && requested.GetBoolean());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static SigningKeySet ReadLegacy(V1Secret secret, SigningKeyAlgorithm algorithm, DateTimeOffset now, Dictionary<string, SigningKeyMaterial> materials)
    {
        var createdAt = secret.Metadata?.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : now;
        var keys = new List<SigningKeyEntry>();
        foreach (var alg in new[] { SigningKeyAlgorithm.ES256, SigningKeyAlgorithm.RS256 })
        {
            var name = alg.ToString().ToLowerInvariant() + PemSuffix;
            if (secret.Data.TryGetValue(name, out var pem) && TryLoad(pem, createdAt) is { } key && key.Algorithm == alg)
            {
                materials[key.KeyId] = key;
                keys.Add(alg == algorithm
                    ? new SigningKeyEntry(key.KeyId, alg, SigningKeyState.Current, createdAt, ActivatedAt: createdAt)
                    : new SigningKeyEntry(key.KeyId, alg, SigningKeyState.Retired, createdAt, ActivatedAt: createdAt, RetiredAt: now));
            }
        }

        // Keys of the first release for another algorithm only: the newest becomes current, so nothing is lost.
        if (keys.Count > 0 && keys.All(k => k.State == SigningKeyState.Retired))
        {
            keys[0] = keys[0] with { State = SigningKeyState.Current, RetiredAt = null };
        }

        return new SigningKeySet(keys);
    }

    private static SigningKeyMaterial? TryLoad(byte[] pem, DateTimeOffset createdAt)
    {
        try
        {
            return SigningKeyMaterial.FromPem(Encoding.UTF8.GetString(pem), createdAt);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }
    }

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.GetString() is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
}
