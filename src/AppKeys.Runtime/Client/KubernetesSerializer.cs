using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// JSON of Kubernetes objects as the API server speaks it (camelCase, nulls omitted, RFC 3339 times), through
/// source-generated contexts only: no reflection, so the same code runs JIT and Native AOT. Built-in kinds come from
/// the runtime's own context; a custom resource names its context with <see cref="KubernetesJsonContextAttribute"/>,
/// and once it was seen that context also serves the types it contains (specs, statuses).
/// </summary>
/// <remarks>
/// Replaces the client library's <c>KubernetesJson</c>, whose reflection fallback (and YAML support) cannot be
/// compiled ahead of time. A type no context knows fails loudly (<see cref="NotSupportedException"/>), in JIT runs
/// too, so a missing registration shows in tests before it shows in the native executable.
/// </remarks>
public static class KubernetesSerializer
{
    private static readonly ContextResolver Resolver = new();

    /// <summary>The options every (de)serialization here uses (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The metadata of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">No registered context knows <typeparamref name="T"/>.</exception>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>Serializes <paramref name="value"/> as its declared type.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Serializes <paramref name="value"/> as its runtime type (<c>null</c> as <c>null</c>).</summary>
    public static string SerializeObject(object? value) =>
        value is null ? "null" : JsonSerializer.Serialize(value, Options.GetTypeInfo(value.GetType()));

    /// <summary>Deserializes a JSON text; <c>null</c> JSON is an error.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, TypeInfo<T>()) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    /// <summary>Deserializes a JSON element; <c>null</c> JSON is an error.</summary>
    public static T Deserialize<T>(JsonElement json) =>
        json.Deserialize(TypeInfo<T>()) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    /// <summary>A deep copy through JSON, safe to mutate.</summary>
    public static T Clone<T>(T value)
        where T : class =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>()), TypeInfo<T>())!;

    /// <summary>A Status body (failed responses, watch ERROR events), through the client library's own Status context.</summary>
    public static V1Status? DeserializeStatus(string json) => JsonSerializer.Deserialize(json, StatusSourceGenerationContext.Default.V1Status);

    /// <inheritdoc cref="DeserializeStatus(string)"/>
    public static V1Status? DeserializeStatus(JsonElement json) => json.Deserialize(StatusSourceGenerationContext.Default.V1Status);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            TypeInfoResolver = Resolver,
        };

        // The client library's converters: the API server's time formats (it rejects .NET's default 7 digits).
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The runtime's context, then every custom resource context met so far, then the type's own attribute.</summary>
    private sealed class ContextResolver : IJsonTypeInfoResolver
    {
        private readonly Lock gate = new();
        private readonly Dictionary<Type, IJsonTypeInfoResolver> byContextType = [];
        private IJsonTypeInfoResolver[] contexts = [new RuntimeJsonContext()];

        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            foreach (var context in Volatile.Read(ref contexts))
            {
                if (context.GetTypeInfo(type, options) is { } info)
                {
                    return info;
                }
            }

            if (type.GetCustomAttribute<KubernetesJsonContextAttribute>() is not { } attribute)
            {
                return null;
            }

            IJsonTypeInfoResolver added;
            lock (gate)
            {
                if (!byContextType.TryGetValue(attribute.ContextType, out added!))
                {
                    added = Create(attribute.ContextType);
                    byContextType.Add(attribute.ContextType, added);
                    contexts = [.. contexts, added];
                }
            }

            return added.GetTypeInfo(type, options);
        }

        private static IJsonTypeInfoResolver Create(
            [System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type contextType) =>
            Activator.CreateInstance(contextType) as IJsonTypeInfoResolver
                ?? throw new InvalidOperationException($"{contextType.Name} (named by [KubernetesJsonContext]) is not a JsonSerializerContext.");
    }
}
