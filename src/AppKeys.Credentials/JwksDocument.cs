using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AppKeys.Credentials;

/// <summary>An RFC 7517 JWK Set with the public parts of signing keys, for token validators.</summary>
public static class JwksDocument
{
    /// <summary>
    /// <c>{"keys":[...]}</c> with one public JWK per distinct <c>kid</c>, in the order given (a key listed twice
    /// appears once). Never contains private parameters.
    /// </summary>
    public static string Build(IEnumerable<SigningKeyMaterial> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                ArgumentNullException.ThrowIfNull(key, nameof(keys));
                if (seen.Add(key.KeyId))
                {
                    key.WritePublicJwk(writer);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
