using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Names the source-generated <see cref="JsonSerializerContext"/> that (de)serializes a custom resource type and the
/// types it contains, so <see cref="KubernetesSerializer"/> finds it without reflection over properties (Native AOT).
/// Built-in kinds the runtime handles need none (<see cref="KubernetesSerializer"/> lists them).
/// </summary>
/// <example><c>[KubernetesJsonContext(typeof(AppKeysJsonContext))] public sealed class V1Alpha1Application ...</c></example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesJsonContextAttribute(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type contextType) : Attribute
{
    /// <summary>A <see cref="JsonSerializerContext"/> type with a public parameterless constructor.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type ContextType { get; } = contextType;
}
