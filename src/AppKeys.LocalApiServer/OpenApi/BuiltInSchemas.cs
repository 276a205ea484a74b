using System.Collections.Frozen;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.OpenApi;

/// <summary>
/// OpenAPI v3 schemas of the built-in kinds the server stores, read from the embedded <c>builtin-schemas.json</c>: kube's
/// list semantics (<c>x-kubernetes-patch-strategy</c>, <c>x-kubernetes-patch-merge-key</c>, <c>x-kubernetes-list-type</c>)
/// taken from the <c>patchStrategy</c>/<c>listType</c> tags of <c>k8s.io/api</c> (core/v1, apps/v1, rbac/v1, ...).
/// kubectl computes client-side apply patches from these documents (<c>apimachinery/pkg/util/strategicpatch/meta.go</c>,
/// PatchMetaFromOpenAPIV3): a field it cannot find makes it warn and fall back to its compiled-in types, and a wrong
/// strategy would silently change the patch, so every field given there carries kube's strategy; fields left out only
/// cost the warning. Shared parts (PodSpec, LabelSelector, ...) are written once under <c>definitions</c> and
/// referenced with <c>{"$ref": "#/definitions/Name"}</c>; a sibling <c>description</c> overrides the definition's.
/// </summary>
internal static class BuiltInSchemas
{
    internal const string ResourceName = "AppKeys.LocalApiServer.OpenApi.builtin-schemas.json";

    private const string RefPrefix = "#/definitions/";

    private static readonly Lazy<FrozenDictionary<string, JsonObject>> Kinds = new(Load);

    /// <summary>The schema (without apiVersion/kind/metadata, which the builder adds) or null for unknown kinds; a fresh copy the caller may change.</summary>
    public static JsonObject? For(ApiResourceInfo r) =>
        Kinds.Value.TryGetValue(Key(r.Group, r.Kind), out var schema) ? (JsonObject)schema.DeepClone() : null;

    /// <summary>The key of a kind in the document: <c>group/Kind</c>, with <c>core</c> for the core group.</summary>
    internal static string Key(string group, string kind) => $"{(group.Length == 0 ? "core" : group)}/{kind}";

    /// <summary>Every kind the document describes, references resolved.</summary>
    internal static IReadOnlyDictionary<string, JsonObject> All => Kinds.Value;

    private static FrozenDictionary<string, JsonObject> Load()
    {
        using var stream = typeof(BuiltInSchemas).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        var document = JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidOperationException($"{ResourceName} is not a JSON object.");
        var definitions = document["definitions"]?.AsObject() ?? [];
        var kinds = document["kinds"]?.AsObject() ?? throw new InvalidOperationException($"{ResourceName} has no kinds.");
        return kinds.ToFrozenDictionary(
            k => k.Key,
            k => (JsonObject)Resolve(k.Value ?? throw new InvalidOperationException($"{ResourceName}: kind {k.Key} is null."), definitions, []));
    }

    private static JsonNode Resolve(JsonNode node, JsonObject definitions, Stack<string> resolving)
    {
        switch (node)
        {
            // References into the served document's own components (ObjectMeta, ...) stay as they are.
            case JsonObject o when o["$ref"] is JsonValue reference && reference.GetValue<string>().StartsWith(RefPrefix, StringComparison.Ordinal):
                var target = reference.GetValue<string>();
                var name = target[RefPrefix.Length..];
                if (definitions[name] is not JsonObject definition)
                {
                    throw new InvalidOperationException($"{ResourceName}: unresolvable $ref {target}.");
                }
                if (resolving.Contains(name))
                {
                    throw new InvalidOperationException($"{ResourceName}: $ref cycle through {name}.");
                }
                resolving.Push(name);
                var resolved = (JsonObject)Resolve(definition, definitions, resolving);
                resolving.Pop();
                if (o["description"] is { } description)
                {
                    resolved["description"] = description.DeepClone();
                }
                return resolved;
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    copy[key] = value is null ? null : Resolve(value, definitions, resolving);
                }
                return copy;
            case JsonArray a:
                return new JsonArray([.. a.Select(x => x is null ? null : Resolve(x, definitions, resolving))]);
            default:
                return node.DeepClone();
        }
    }
}
