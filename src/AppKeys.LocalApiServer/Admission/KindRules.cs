using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>
/// Per-kind strategies of the built-ins (kube <c>pkg/registry/core/&lt;kind&gt;/strategy.go</c> and
/// <c>pkg/apis/core/validation/validation.go</c>): defaulting, normalization and validation on write.
/// </summary>
public static partial class KindRules
{
    public const string ConfigKeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    private const int MaxSecretBytes = 1024 * 1024;

    public static NameRule NameRuleFor(ApiResourceInfo r) => (r.Group, r.Plural) switch
    {
        ("", "namespaces") => NameRule.Dns1123Label,
        ("", "services") => NameRule.Dns1035Label,
        ("rbac.authorization.k8s.io", _) => NameRule.PathSegment,
        _ => NameRule.Dns1123Subdomain,
    };

    /// <summary>Applies the kind's rules to <paramref name="candidate"/>; problems go to <paramref name="errors"/>.</summary>
    public static void Apply(ApiResourceInfo r, JsonObject? old, JsonObject candidate, List<FieldCause> errors)
    {
        switch ((r.Group, r.Plural))
        {
            case ("", "secrets"):
                Secret(old, candidate, errors);
                break;
            case ("", "configmaps"):
                ConfigMap(old, candidate, errors);
                break;
            case ("", "namespaces"):
                Namespace(old, candidate);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Secret data arrives base64-encoded in JSON; kube decodes it into []byte, so bad base64 fails decoding
    /// (400 BadRequest, before validation). stringData is write-only and merged into data.
    /// </summary>
    public static void DecodeSecretData(JsonObject candidate)
    {
        CheckBase64(candidate, "data", "Secret");
        if (candidate["stringData"] is JsonObject stringData)
        {
            var target = JsonText.EnsureObject(candidate, "data");
            foreach (var kv in stringData)
            {
                target[kv.Key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonText.ScalarString(kv.Value) ?? ""));
            }
        }
        candidate.Remove("stringData");
    }

    /// <summary>ConfigMap binaryData is []byte too: bad base64 fails decoding (400) as for Secret data.</summary>
    public static void DecodeConfigMapBinaryData(JsonObject candidate) => CheckBase64(candidate, "binaryData", "ConfigMap");

    private static void CheckBase64(JsonObject candidate, string field, string kind)
    {
        if (candidate[field] is not JsonObject map)
        {
            return;
        }
        foreach (var kv in map)
        {
            if (kv.Value is null)
            {
                continue;
            }
            var text = JsonText.ScalarString(kv.Value);
            var bad = 0;
            if (kv.Value is JsonValue && text is not null && GoBase64.TryDecodedLength(text, out _, out bad))
            {
                continue;
            }
            throw StatusErrors.BadRequest(
                $"{kind} in version \"v1\" cannot be handled as a {kind}: illegal base64 data at input byte {bad}");
        }
    }

    private static void Secret(JsonObject? old, JsonObject candidate, List<FieldCause> errors)
    {
        if (JsonText.GetString(candidate, "type") is not { Length: > 0 })
        {
            candidate["type"] = "Opaque";
        }
        // kube ValidateSecret: every key is a config key; the decoded values (keys not counted) total at most 1 MiB.
        var total = 0L;
        if (candidate["data"] is JsonObject data)
        {
            foreach (var kv in data)
            {
                CheckConfigKey("data", kv.Key, errors);
                total += DecodedLength(JsonText.ScalarString(kv.Value));
            }
        }
        if (total > MaxSecretBytes)
        {
            errors.Add(FieldCause.TooLong("data", MaxSecretBytes));
        }
        if (old is null)
        {
            return;
        }
        var oldType = JsonText.GetString(old, "type") ?? "Opaque";
        var newType = JsonText.GetString(candidate, "type")!;
        if (oldType != newType)
        {
            errors.Add(FieldCause.Invalid("type", newType, "field is immutable"));
        }
        CheckImmutable(old, candidate, ["data"], errors);
    }

    private static void ConfigMap(JsonObject? old, JsonObject candidate, List<FieldCause> errors)
    {
        // kube ValidateConfigMap: keys of data and binaryData are config keys; the values (data as UTF-8 bytes,
        // binaryData decoded) total at most MaxSecretSize, reported on the whole object (field path "[]").
        var total = 0L;
        foreach (var field in new[] { "data", "binaryData" })
        {
            if (candidate[field] is JsonObject map)
            {
                foreach (var kv in map)
                {
                    CheckConfigKey(field, kv.Key, errors);
                    var text = JsonText.ScalarString(kv.Value);
                    total += field == "data" ? Encoding.UTF8.GetByteCount(text ?? "") : DecodedLength(text);
                }
            }
        }
        if (total > MaxSecretBytes)
        {
            errors.Add(FieldCause.TooLong("[]", MaxSecretBytes));
        }
        if (old is not null)
        {
            CheckImmutable(old, candidate, ["data", "binaryData"], errors);
        }
    }

    /// <summary>kube ValidateSecretUpdate / ValidateConfigMapUpdate: immutable objects keep data and the flag.</summary>
    private static void CheckImmutable(JsonObject old, JsonObject candidate, string[] fields, List<FieldCause> errors)
    {
        if (old["immutable"] is not JsonValue iv || !iv.TryGetValue<bool>(out var wasImmutable) || !wasImmutable)
        {
            return;
        }
        var stillImmutable = candidate["immutable"] is JsonValue nv && nv.TryGetValue<bool>(out var b) && b;
        if (!stillImmutable)
        {
            errors.Add(FieldCause.Forbidden("immutable", "field is immutable when `immutable` is set"));
        }
        foreach (var field in fields)
        {
            if (!JsonNode.DeepEquals(NullIfEmpty(old[field]), NullIfEmpty(candidate[field])))
            {
                errors.Add(FieldCause.Forbidden(field, "field is immutable when `immutable` is set"));
            }
        }
    }

    private static JsonNode? NullIfEmpty(JsonNode? node) => node is JsonObject { Count: 0 } ? null : node;

    private static void Namespace(JsonObject? old, JsonObject candidate)
    {
        // kube's namespace strategy: the name label is always set; status.phase starts Active; the
        // "kubernetes" finalizer keeps the namespace until its contents are deleted.
        var labels = JsonText.EnsureObject(ObjectMeta.Meta(candidate), "labels");
        labels["kubernetes.io/metadata.name"] = ObjectMeta.Name(candidate);
        if (old is null)
        {
            var spec = JsonText.EnsureObject(candidate, "spec");
            spec["finalizers"] = new JsonArray("kubernetes");
            candidate["status"] = new JsonObject { ["phase"] = "Active" };
        }
    }

    /// <summary>apimachinery <c>IsConfigMapKey</c>: one cause per problem, in its order.</summary>
    private static void CheckConfigKey(string field, string key, List<FieldCause> errors)
    {
        foreach (var problem in ConfigKeyProblems(key))
        {
            errors.Add(FieldCause.Invalid($"{field}[{key}]", key, problem));
        }
    }

    /// <summary>The messages of apimachinery <c>IsConfigMapKey</c> for <paramref name="key"/>; empty when valid.</summary>
    public static List<string> ConfigKeyProblems(string key)
    {
        var problems = new List<string>();
        if (Encoding.UTF8.GetByteCount(key) > 253)
        {
            problems.Add("must be no more than 253 characters");
        }
        if (!ConfigKey().IsMatch(key))
        {
            problems.Add(ConfigKeyMessage);
        }
        if (key == ".")
        {
            problems.Add("must not be '.'");
        }
        else if (key == "..")
        {
            problems.Add("must not be '..'");
        }
        else if (key.StartsWith("..", StringComparison.Ordinal))
        {
            problems.Add("must not start with '..'");
        }
        return problems;
    }

    /// <summary>The byte length of the base64 <paramref name="text"/> once decoded (already checked to be valid).</summary>
    private static long DecodedLength(string? text) =>
        text is not null && GoBase64.TryDecodedLength(text, out var length, out _) ? length : 0;

    [GeneratedRegex("^[-._a-zA-Z0-9]+\\z")]
    private static partial Regex ConfigKey();

    /// <summary>True when <paramref name="r"/> is the Secret resource.</summary>
    public static bool IsSecret(ApiResourceInfo r) => r.Group.Length == 0 && r.Plural == "secrets";

    /// <summary>True when <paramref name="r"/> is the ConfigMap resource.</summary>
    public static bool IsConfigMap(ApiResourceInfo r) => r.Group.Length == 0 && r.Plural == "configmaps";

    /// <summary>True when <paramref name="r"/> is the Namespace resource.</summary>
    public static bool IsNamespace(ApiResourceInfo r) => r.Group.Length == 0 && r.Plural == "namespaces";

    /// <summary>True when <paramref name="r"/> is the CRD resource.</summary>
    public static bool IsCrd(ApiResourceInfo r) => r == BuiltInResources.CustomResourceDefinitions || (r.Group == "apiextensions.k8s.io" && r.Plural == "customresourcedefinitions");
}
