using System.Text.Json.Serialization;

namespace AppKeys.Operator.Apis;

/// <summary>
/// Source-generated JSON of the appkeys.io kinds (and, through them, their specs and statuses): the operator's
/// reads and writes never use reflection, so the Native AOT executable serializes exactly what the JIT one does.
/// Found by <see cref="AppKeys.Runtime.Client.KubernetesSerializer"/> through <c>[KubernetesJsonContext]</c> on each kind.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(V1Alpha1Application))]
[JsonSerializable(typeof(V1Alpha1ApplicationKey))]
public sealed partial class AppKeysJsonContext : JsonSerializerContext;
