using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// The <c>scale</c> subresource of Deployments (kube <c>pkg/registry/apps/deployment/storage</c> ScaleREST): an
/// autoscaling/v1 Scale read from the Deployment, and writes that move only spec.replicas (and the
/// resourceVersion precondition) back into it.
/// </summary>
public sealed partial class ResourceService
{
    /// <summary>True for the resources that serve <c>/scale</c>.</summary>
    public static bool HasScale(ApiResourceInfo r) => r.Group == "apps" && r.Plural == "deployments";

    /// <summary>GET <c>/scale</c>: 404 names the Deployment, as the store's Get does.</summary>
    public JsonObject GetScale(ApiResourceInfo r, string? ns, string name) => ScaleFrom(Get(r, ns, name));

    /// <summary>
    /// PUT or PATCH of <c>/scale</c>: <paramref name="update"/> turns the current Scale into the requested one,
    /// under the store lock. A missing Deployment is 404 on <c>deployments/scale.apps</c> (scaleUpdatedObjectInfo).
    /// </summary>
    public WriteResult UpdateScale(ApiResourceInfo r, string? ns, string name, Func<JsonObject, JsonObject> update, WriteOptions o)
    {
        var warnings = new List<string>();
        WriteResult result;
        lock (store.Gate)
        {
            var old = store.Get(BuiltInResources.StorageKey(r), ns, name)
                ?? throw StatusErrors.NotFound(r.Group, r.Plural + "/scale", name);
            var deployment = Present(r, old);
            var scale = update(ScaleFrom(deployment));
            CheckScale(ns, name, scale);
            var meta = ObjectMeta.Meta(scale);
            CheckUid(r with { Plural = r.Plural + "/scale" }, name, old, scale);
            if (JsonText.GetString(meta, "resourceVersion") is { Length: > 0 } rv && rv != ObjectMeta.ResourceVersion(old))
            {
                ParseRv(rv);
                throw StatusErrors.Conflict(r, name);
            }
            var spec = deployment["spec"] as JsonObject ?? [];
            deployment["spec"] = spec;
            spec["replicas"] = ScaleReplicas(scale);
            result = Commit(r, ns, old, ToStorage(r, deployment), "scale", o, warnings, "Update");
        }
        ControllersNeeded?.Invoke();
        return result with { Body = ScaleFrom(result.Body) };
    }

    /// <summary>scaleFromDeployment: name, namespace, uid, resourceVersion, creationTimestamp; spec and status.</summary>
    internal static JsonObject ScaleFrom(JsonObject deployment)
    {
        var meta = ObjectMeta.Meta(deployment);
        var scaleMeta = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[field] is { } v)
            {
                scaleMeta[field] = v.DeepClone();
            }
        }
        var spec = new JsonObject();
        if (deployment["spec"]?["replicas"] is JsonValue replicas && replicas.TryGetValue<long>(out var n) && n != 0)
        {
            spec["replicas"] = n;
        }
        var status = new JsonObject
        {
            ["replicas"] = deployment["status"]?["replicas"] is JsonValue sr && sr.TryGetValue<long>(out var s) ? s : 0,
        };
        string selector;
        try
        {
            selector = LabelSelector.FromJson(deployment["spec"]?["selector"] as JsonObject).ToString();
        }
        catch (SelectorParseException ex)
        {
            throw StatusErrors.BadRequest(ex.Message);
        }
        if (selector.Length > 0)
        {
            status["selector"] = selector;
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    /// <summary>
    /// The decode and validation steps of an update of a Scale: kind and apiVersion, the URL's name and namespace,
    /// then autoscaling ValidateScale (spec.replicas ≥ 0).
    /// </summary>
    private static void CheckScale(string? ns, string name, JsonObject scale)
    {
        if (JsonText.GetString(scale, "kind") is { Length: > 0 } kind && kind != "Scale")
        {
            throw StatusErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind (Scale) for this resource");
        }
        if (JsonText.GetString(scale, "apiVersion") is { Length: > 0 } apiVersion && apiVersion != "autoscaling/v1")
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (autoscaling/v1)");
        }
        if (scale["metadata"] is not JsonObject meta)
        {
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: metadata must be an object");
        }
        var bodyName = JsonText.GetString(meta, "name");
        if (bodyName != name)
        {
            throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        if (JsonText.GetString(meta, "namespace") is { Length: > 0 } bodyNs && bodyNs != ns)
        {
            throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var replicas = scale["spec"]?["replicas"];
        if (replicas is not null && (replicas is not JsonValue v || !v.TryGetValue<long>(out _)))
        {
            throw StatusErrors.BadRequest("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal " +
                $"{GoJsonKind(replicas)} into Go struct field ScaleSpec.spec.replicas of type int32");
        }
        if (ScaleReplicas(scale) < 0)
        {
            throw StatusErrors.Invalid(BuiltInResources.Scales, name,
                [FieldCause.Invalid("spec.replicas", null, $"{ScaleReplicas(scale)}: must be greater than or equal to 0")]);
        }
    }

    private static long ScaleReplicas(JsonObject scale) =>
        scale["spec"]?["replicas"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    private static string GoJsonKind(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.TryGetValue<bool>(out _) => "bool",
        _ => "number",
    };
}
