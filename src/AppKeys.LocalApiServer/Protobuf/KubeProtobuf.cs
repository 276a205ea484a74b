using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Protobuf;

/// <summary>
/// Decodes the <c>application/vnd.kubernetes.protobuf</c> bodies kubectl sends for typed creates
/// (<c>kubectl create secret|configmap|namespace|serviceaccount|role|clusterrole|rolebinding|clusterrolebinding</c>,
/// and <c>deployment|service|poddisruptionbudget</c>) into JSON: the <c>k8s\0</c> + runtime.Unknown envelope, then the
/// message (field numbers of k8s.io/api core/v1, apps/v1, policy/v1 and rbac/v1 generated.proto; JSON omitempty rules
/// applied to the strings protobuf always carries).
/// Other kinds are answered with 415, as kube would for a type it cannot decode.
/// </summary>
public static partial class KubeProtobuf
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static JsonObject Decode(ReadOnlySpan<byte> body, IEnumerable<string> accepted)
    {
        try
        {
            if (body.Length < 4 || !body[..4].SequenceEqual(Magic))
            {
                throw new FormatException("missing k8s protobuf prefix");
            }
            string apiVersion = "", kind = "";
            ReadOnlySpan<byte> raw = default;
            var r = new ProtoReader(body[4..]);
            while (r.Next(out var f, out var w))
            {
                switch (f)
                {
                    case 1 when w == 2:
                        var tm = new ProtoReader(r.ReadBytes());
                        while (tm.Next(out var tf, out var tw))
                        {
                            if (tf == 1 && tw == 2)
                            {
                                apiVersion = tm.ReadString();
                            }
                            else if (tf == 2 && tw == 2)
                            {
                                kind = tm.ReadString();
                            }
                            else
                            {
                                tm.Skip(tw);
                            }
                        }
                        break;
                    case 2 when w == 2:
                        raw = r.ReadBytes();
                        break;
                    default:
                        r.Skip(w);
                        break;
                }
            }
            JsonObject obj = (apiVersion, kind) switch
            {
                ("v1", "Secret") => Secret(raw),
                ("v1", "ConfigMap") => ConfigMap(raw),
                ("v1", "Namespace") => Namespace(raw),
                ("v1", "ServiceAccount") => ServiceAccount(raw),
                ("rbac.authorization.k8s.io/v1", "Role" or "ClusterRole") => Role(raw),
                ("rbac.authorization.k8s.io/v1", "RoleBinding" or "ClusterRoleBinding") => RoleBinding(raw),
                ("apps/v1", "Deployment") => Decode(DeploymentMessage, raw),
                ("v1", "Service") => Decode(ServiceMessage, raw),
                ("policy/v1", "PodDisruptionBudget") => Decode(PodDisruptionBudgetMessage, raw),
                _ => throw StatusErrors.UnsupportedMediaType("application/vnd.kubernetes.protobuf", accepted),
            };
            obj["apiVersion"] = apiVersion;
            obj["kind"] = kind;
            // Through JSON text, so every value is what a parsed JSON body holds (an int-backed JsonValue converts
            // neither to long nor double, and the rest of the server reads numbers that way).
            return JsonNode.Parse(obj.ToJsonString())!.AsObject();
        }
        catch (FormatException ex)
        {
            throw StatusErrors.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }

    private static JsonObject Secret(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: obj["metadata"] = Meta(r.ReadBytes()); break;
                case 2 when w == 2: AddMapEntry(Ensure(obj, "data"), r.ReadBytes(), base64Value: true); break;
                case 3 when w == 2: obj["type"] = r.ReadString(); break;
                case 4 when w == 2: AddMapEntry(Ensure(obj, "stringData"), r.ReadBytes(), base64Value: false); break;
                case 5 when w == 0: obj["immutable"] = r.ReadVarint() != 0; break;
                default: r.Skip(w); break;
            }
        }
        return obj;
    }

    private static JsonObject ConfigMap(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: obj["metadata"] = Meta(r.ReadBytes()); break;
                case 2 when w == 2: AddMapEntry(Ensure(obj, "data"), r.ReadBytes(), base64Value: false); break;
                case 3 when w == 2: AddMapEntry(Ensure(obj, "binaryData"), r.ReadBytes(), base64Value: true); break;
                case 4 when w == 0: obj["immutable"] = r.ReadVarint() != 0; break;
                default: r.Skip(w); break;
            }
        }
        return obj;
    }

    private static JsonObject Namespace(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            if (f == 1 && w == 2)
            {
                obj["metadata"] = Meta(r.ReadBytes());
            }
            else
            {
                r.Skip(w);
            }
        }
        return obj;
    }

    private static JsonObject ServiceAccount(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: obj["metadata"] = Meta(r.ReadBytes()); break;
                case 4 when w == 0: obj["automountServiceAccountToken"] = r.ReadVarint() != 0; break;
                default: r.Skip(w); break;
            }
        }
        return obj;
    }

    // rbac/v1 Role and ClusterRole: metadata 1, rules 2, aggregationRule 3 (clusterRoleSelectors 1).
    private static JsonObject Role(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: obj["metadata"] = Meta(r.ReadBytes()); break;
                case 2 when w == 2: EnsureArray(obj, "rules").Add(PolicyRule(r.ReadBytes())); break;
                case 3 when w == 2:
                    var aggregation = new JsonObject { ["clusterRoleSelectors"] = new JsonArray() };
                    var ar = new ProtoReader(r.ReadBytes());
                    while (ar.Next(out var af, out var aw))
                    {
                        if (af == 1 && aw == 2)
                        {
                            EnsureArray(aggregation, "clusterRoleSelectors").Add(LabelSelector(ar.ReadBytes()));
                        }
                        else
                        {
                            ar.Skip(aw);
                        }
                    }
                    obj["aggregationRule"] = aggregation;
                    break;
                default: r.Skip(w); break;
            }
        }
        return obj;
    }

    // PolicyRule: verbs 1, apiGroups 2, resources 3, resourceNames 4, nonResourceURLs 5 (verbs is not omitempty).
    private static JsonObject PolicyRule(ReadOnlySpan<byte> raw)
    {
        var rule = new JsonObject { ["verbs"] = new JsonArray() };
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            var field = f switch { 1 => "verbs", 2 => "apiGroups", 3 => "resources", 4 => "resourceNames", 5 => "nonResourceURLs", _ => null };
            if (field is not null && w == 2)
            {
                EnsureArray(rule, field).Add(r.ReadString());
            }
            else
            {
                r.Skip(w);
            }
        }
        return rule;
    }

    // RoleBinding and ClusterRoleBinding: metadata 1, subjects 2 (kind 1, apiGroup 2, name 3, namespace 4), roleRef 3.
    private static JsonObject RoleBinding(ReadOnlySpan<byte> raw)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: obj["metadata"] = Meta(r.ReadBytes()); break;
                case 2 when w == 2:
                    var subject = Strings(r.ReadBytes(), ["kind", "apiGroup", "name", "namespace"]);
                    foreach (var optional in new[] { "apiGroup", "namespace" })
                    {
                        if (subject[optional] is JsonValue v && v.GetValue<string>().Length == 0)
                        {
                            subject.Remove(optional);
                        }
                    }
                    EnsureArray(obj, "subjects").Add(subject);
                    break;
                case 3 when w == 2: obj["roleRef"] = Strings(r.ReadBytes(), ["apiGroup", "kind", "name"]); break;
                default: r.Skip(w); break;
            }
        }
        return obj;
    }

    // meta/v1 LabelSelector: matchLabels 1 (map), matchExpressions 2 (key 1, operator 2, values 3).
    private static JsonObject LabelSelector(ReadOnlySpan<byte> raw)
    {
        var selector = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: AddMapEntry(Ensure(selector, "matchLabels"), r.ReadBytes(), base64Value: false); break;
                case 2 when w == 2:
                    var requirement = new JsonObject();
                    var rr = new ProtoReader(r.ReadBytes());
                    while (rr.Next(out var rf, out var rw))
                    {
                        switch (rf)
                        {
                            case 1 when rw == 2: requirement["key"] = rr.ReadString(); break;
                            case 2 when rw == 2: requirement["operator"] = rr.ReadString(); break;
                            case 3 when rw == 2: EnsureArray(requirement, "values").Add(rr.ReadString()); break;
                            default: rr.Skip(rw); break;
                        }
                    }
                    EnsureArray(selector, "matchExpressions").Add(requirement);
                    break;
                default: r.Skip(w); break;
            }
        }
        return selector;
    }

    /// <summary>A message of string fields numbered 1..n in the order of <paramref name="names"/>.</summary>
    private static JsonObject Strings(ReadOnlySpan<byte> raw, string[] names)
    {
        var obj = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            if (w == 2 && f >= 1 && f <= names.Length)
            {
                obj[names[f - 1]] = r.ReadString();
            }
            else
            {
                r.Skip(w);
            }
        }
        return obj;
    }

    private static JsonArray EnsureArray(JsonObject parent, string name)
    {
        if (parent[name] is JsonArray a)
        {
            return a;
        }
        var created = new JsonArray();
        parent[name] = created;
        return created;
    }

    /// <summary>ObjectMeta: the fields a client sets on create.</summary>
    private static JsonObject Meta(ReadOnlySpan<byte> raw)
    {
        var meta = new JsonObject();
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 2: meta["name"] = r.ReadString(); break;
                case 2 when w == 2: meta["generateName"] = r.ReadString(); break;
                case 3 when w == 2: meta["namespace"] = r.ReadString(); break;
                case 6 when w == 2: meta["resourceVersion"] = r.ReadString(); break;
                case 11 when w == 2: AddMapEntry(Ensure(meta, "labels"), r.ReadBytes(), base64Value: false); break;
                case 12 when w == 2: AddMapEntry(Ensure(meta, "annotations"), r.ReadBytes(), base64Value: false); break;
                case 14 when w == 2:
                    if (meta["finalizers"] is not JsonArray finalizers)
                    {
                        finalizers = [];
                        meta["finalizers"] = finalizers;
                    }
                    finalizers.Add(r.ReadString());
                    break;
                default: r.Skip(w); break;
            }
        }
        foreach (var empty in meta.Where(kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0).Select(kv => kv.Key).ToList())
        {
            meta.Remove(empty);
        }
        return meta;
    }

    private static JsonObject Ensure(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject o)
        {
            return o;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    private static void AddMapEntry(JsonObject map, ReadOnlySpan<byte> entry, bool base64Value)
    {
        var r = new ProtoReader(entry);
        var key = "";
        JsonNode value = "";
        while (r.Next(out var f, out var w))
        {
            if (f == 1 && w == 2)
            {
                key = r.ReadString();
            }
            else if (f == 2 && w == 2)
            {
                var bytes = r.ReadBytes();
                value = base64Value ? Convert.ToBase64String(bytes) : System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                r.Skip(w);
            }
        }
        map[key] = value;
    }
}
