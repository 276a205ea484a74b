using System.Globalization;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// What apiextensions-apiserver's controllers do for a CRD (naming controller, establishing controller,
/// finalizer controller), done synchronously under the store lock so a CRD is served as soon as it is created.
/// </summary>
public static class CrdLifecycle
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    /// <summary>Immutable parts of a CRD (apiextensions ValidateCustomResourceDefinitionUpdate).</summary>
    public static void ValidateUpdate(JsonObject crd, JsonObject? old, List<FieldCause> errors)
    {
        if (old is null)
        {
            return;
        }
        var scope = JsonText.GetString(crd, "spec", "scope") ?? "";
        var group = JsonText.GetString(crd, "spec", "group") ?? "";
        if (JsonText.GetString(old, "spec", "scope") is { } oldScope && oldScope != scope)
        {
            errors.Add(FieldCause.Invalid("spec.scope", scope, "field is immutable"));
        }
        if (JsonText.GetString(old, "spec", "group") is { } oldGroup && oldGroup != group)
        {
            errors.Add(FieldCause.Invalid("spec.group", group, "field is immutable"));
        }
    }

    /// <summary>
    /// After a CRD write: accept its names and mark it Established (one MODIFIED event when the status changes),
    /// then serve (or re-serve) its versions. Requires the store lock.
    /// </summary>
    public static JsonObject AfterWrite(ResourceService service, ApiResourceInfo r, JsonObject crd)
    {
        if (ObjectMeta.IsTerminating(crd))
        {
            return crd;
        }
        var desired = JsonText.Clone(crd);
        var spec = JsonText.GetObject(desired, "spec")!;
        var status = JsonText.EnsureObject(desired, "status");
        var names = (JsonObject)(JsonText.GetObject(spec, "names")?.DeepClone() ?? new JsonObject());
        var kind = JsonText.GetString(names, "kind") ?? "";
        if (string.IsNullOrEmpty(JsonText.GetString(names, "singular")))
        {
            names["singular"] = kind.ToLowerInvariant();
        }
        if (string.IsNullOrEmpty(JsonText.GetString(names, "listKind")))
        {
            names["listKind"] = kind + "List";
        }
        status["acceptedNames"] = names;
        var stored = status["storedVersions"] is JsonArray sv ? sv.Select(JsonText.ScalarString).OfType<string>().ToList() : [];
        if (CrdResources.StorageVersion(desired) is { } storageVersion && !stored.Contains(storageVersion))
        {
            stored.Add(storageVersion);
        }
        var storedArray = new JsonArray();
        foreach (var v in stored)
        {
            storedArray.Add(v);
        }
        status["storedVersions"] = storedArray;
        var now = ObjectMeta.FormatTime(service.NowTime);
        var conditions = status["conditions"] as JsonArray ?? [];
        SetCondition(conditions, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
        SetCondition(conditions, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
        status["conditions"] = conditions;

        var result = crd;
        if (!JsonNode.DeepEquals(crd["status"], desired["status"]))
        {
            var rv = service.Store.NextRevision();
            ObjectMeta.Meta(desired)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            service.Store.Put(BuiltInResources.StorageKey(r), desired, rv);
            result = desired;
        }
        service.Registry.SetCustom(ObjectMeta.Name(result), CrdResources.FromCrd(result));
        return result;
    }

    /// <summary>Marks a CRD being deleted (CRD REST Delete: cleanup finalizer and Terminating condition).</summary>
    public static void MarkTerminating(JsonObject crd, string now)
    {
        var finalizers = ObjectMeta.Finalizers(crd);
        if (!finalizers.Contains(CleanupFinalizer))
        {
            finalizers.Add(CleanupFinalizer);
            ObjectMeta.SetFinalizers(crd, finalizers);
        }
        var status = JsonText.EnsureObject(crd, "status");
        var conditions = status["conditions"] as JsonArray ?? [];
        SetCondition(conditions, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", now);
        status["conditions"] = conditions;
    }

    private static void SetCondition(JsonArray conditions, string type, string value, string reason, string message, string now)
    {
        foreach (var c in conditions.OfType<JsonObject>())
        {
            if (JsonText.GetString(c, "type") == type)
            {
                if (JsonText.GetString(c, "status") != value)
                {
                    c["lastTransitionTime"] = now;
                }
                c["status"] = value;
                c["reason"] = reason;
                c["message"] = message;
                return;
            }
        }
        conditions.Add(new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        });
    }
}
