using System.Text.Json.Serialization;

namespace AppKeys.Operator.KeyManager;

[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class KeyManagerJson : JsonSerializerContext;
