using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Lists;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Patching;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Storage;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// The API semantics independent of HTTP: get, list, create, update, patch and delete with kube-apiserver's
/// metadata, concurrency, finalizer and validation rules (apiserver <c>pkg/registry/generic/registry/store.go</c>,
/// <c>pkg/registry/rest/{create,update,delete}.go</c>). Every operation runs under the store lock.
/// </summary>
public sealed partial class ResourceService
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>etcd's default --max-request-bytes (1.5 MiB); a stored object larger than this cannot be written.</summary>
    private const int EtcdMaxRequestBytes = 1536 * 1024;

    private readonly ClusterStore store;
    private readonly ResourceRegistry registry;
    private readonly LocalApiServerOptions options;
    private readonly ResourceStrategies strategies;

    public ResourceService(ClusterStore store, ResourceRegistry registry, LocalApiServerOptions options)
    {
        this.store = store;
        this.registry = registry;
        this.options = options;
        strategies = new ResourceStrategies(store);
    }

    /// <summary>The service CIDR (kube-apiserver <c>--service-cluster-ip-range</c>, kubeadm's default).</summary>
    public const string ServiceCidr = ServiceStrategy.ServiceCidr;

    public ClusterStore Store => store;

    public ResourceRegistry Registry => registry;

    /// <summary>Raised (outside the lock) after writes that background controllers (GC, namespaces, CRDs) must see.</summary>
    public event Action? ControllersNeeded;

    /// <summary>Schema hooks for custom resources and CRDs; set by the server when the pure Schema code is wired.</summary>
    public ICustomResourceHooks? Hooks { get; set; }

    /// <summary>Validating admission run on every create and update after validation (null: none).</summary>
    public IValidatingAdmission? Admission { get; set; }

    private string Now() => ObjectMeta.FormatTime(options.Time.GetUtcNow());

    internal DateTimeOffset NowTime => options.Time.GetUtcNow();

    // ---------------------------------------------------------------- presentation

    /// <summary>The stored object as served by <paramref name="r"/> (a copy the caller may change).</summary>
    public JsonObject Present(ApiResourceInfo r, JsonObject stored)
    {
        var source = r.Group == "events.k8s.io" ? EventConversion.FromCore(stored) : JsonText.Clone(stored);
        // kube writes kind, apiVersion and metadata first.
        var copy = new JsonObject { ["kind"] = r.Kind, ["apiVersion"] = r.GroupVersion };
        foreach (var key in source.Select(kv => kv.Key).OrderBy(k => k == "metadata" ? 0 : 1).ToList())
        {
            if (key is not ("kind" or "apiVersion"))
            {
                source.Remove(key, out var value);
                copy[key] = value;
            }
        }
        if (r.IsCustom)
        {
            Hooks?.ApplyDefaultsOnRead(r, copy);
        }
        return copy;
    }

    private static JsonObject ToStorage(ApiResourceInfo r, JsonObject presented)
    {
        if (r.Group == "events.k8s.io")
        {
            var core = EventConversion.ToCore(presented);
            core["kind"] = "Event";
            return core;
        }
        presented["apiVersion"] = r.GroupVersion;
        presented["kind"] = r.Kind;
        return presented;
    }

    // ---------------------------------------------------------------- reads

    public JsonObject Get(ApiResourceInfo r, string? ns, string name)
    {
        lock (store.Gate)
        {
            var stored = store.Get(BuiltInResources.StorageKey(r), ns, name) ?? throw StatusErrors.NotFound(r, name);
            return Present(r, stored);
        }
    }

    /// <summary>A list page: items (presented), the list resourceVersion, the continue token and remaining count.</summary>
    public (List<JsonObject> Items, long ResourceVersion, string? Continue, long? Remaining) List(
        ApiResourceInfo r, string? ns, ListQuery o, ObjectFilter filter)
    {
        var storage = BuiltInResources.StorageKey(r);
        var limit = o.Limit is > 0 ? o.Limit.Value : long.MaxValue;
        lock (store.Gate)
        {
            IEnumerable<KeyValuePair<string, JsonObject>> source;
            long listRv;
            string? start = null;
            if (!string.IsNullOrEmpty(o.Continue))
            {
                var token = ContinueToken.Decode(o.Continue);
                listRv = token.ResourceVersion;
                start = token.StartKey;
                source = store.StateAt(storage, listRv) ?? throw StatusErrors.Expired(ContinueToken.ExpiredMessage);
            }
            else if (o.ResourceVersionMatch == "Exact" && ParseRv(o.ResourceVersion) is { } exact)
            {
                if (exact > store.Revision)
                {
                    throw TooLargeResourceVersion(exact);
                }
                listRv = exact;
                source = store.StateAt(storage, exact)
                    ?? throw StatusErrors.Expired($"too old resource version: {exact} ({store.Floor(storage)})");
            }
            else
            {
                if (ParseRv(o.ResourceVersion) is { } min && min > store.Revision)
                {
                    throw TooLargeResourceVersion(min);
                }
                listRv = store.Revision;
                source = store.List(storage, ns);
            }

            var items = new List<JsonObject>();
            string? next = null;
            long? remaining = null;
            foreach (var kv in source)
            {
                if (start is not null && string.CompareOrdinal(kv.Key, start) < 0)
                {
                    continue;
                }
                if (!filter.Matches(kv.Value))
                {
                    continue;
                }
                if (items.Count >= limit)
                {
                    next = ContinueToken.Encode(listRv, kv.Key);
                    remaining = source.Count(x => string.CompareOrdinal(x.Key, kv.Key) >= 0 && filter.Matches(x.Value));
                    break;
                }
                items.Add(Present(r, kv.Value));
            }
            return (items, listRv, next, remaining);
        }
    }

    private ApiException TooLargeResourceVersion(long rv) =>
        new(504, "Timeout", $"Too large resource version: {rv}, current: {store.Revision}",
            new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject
                {
                    ["reason"] = "ResourceVersionTooLarge",
                    ["message"] = "Too large resource version",
                }),
                ["retryAfterSeconds"] = 1,
            });

    public static long? ParseRv(string? rv)
    {
        if (string.IsNullOrEmpty(rv))
        {
            return null;
        }
        if (long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        throw StatusErrors.BadRequest($"invalid resource version \"{rv}\"");
    }

    // ---------------------------------------------------------------- writes

    public WriteResult Create(ApiResourceInfo r, string? ns, JsonObject body, WriteOptions o)
    {
        var warnings = new List<string>();
        WriteResult result;
        lock (store.Gate)
        {
            result = CreateLocked(r, ns, body, o, warnings, "Update");
        }
        ControllersNeeded?.Invoke();
        return result;
    }

    private WriteResult CreateLocked(ApiResourceInfo r, string? ns, JsonObject body, WriteOptions o, List<string> warnings, string operation)
    {
        CheckKind(r, body);
        var meta = ObjectMeta.Meta(body);
        CheckNamespace(r, ns, body);
        if (!string.IsNullOrEmpty(JsonText.GetString(meta, "resourceVersion")))
        {
            throw StatusErrors.BadRequest("resourceVersion should not be set on objects to be created");
        }
        if (r.Namespaced)
        {
            RequireActiveNamespace(r, ns!, ObjectMeta.Name(body));
        }
        var name = ObjectMeta.Name(body);
        var storage = BuiltInResources.StorageKey(r);
        if (name.Length == 0 && JsonText.GetString(meta, "generateName") is { Length: > 0 } prefix)
        {
            do
            {
                name = prefix + RandomSuffix();
            }
            while (store.Get(storage, ns, name) is not null);
            meta["name"] = name;
        }
        if (name.Length > 0 && store.Get(storage, r.Namespaced ? ns : null, name) is not null)
        {
            throw StatusErrors.AlreadyExists(r, name);
        }
        var candidate = ToStorage(r, body);
        var result = Commit(r, ns, null, candidate, null, o, warnings, operation);
        return result with { Code = 201 };
    }

    public WriteResult Update(ApiResourceInfo r, string? ns, string name, string? subresource, JsonObject body, WriteOptions o)
    {
        var warnings = new List<string>();
        WriteResult result;
        lock (store.Gate)
        {
            CheckKind(r, body);
            var meta = ObjectMeta.Meta(body);
            var bodyName = JsonText.GetString(meta, "name");
            if (bodyName != name)
            {
                throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }
            CheckNamespace(r, ns, body);
            var storage = BuiltInResources.StorageKey(r);
            var old = store.Get(storage, ns, name);
            if (old is null)
            {
                if (BuiltInResources.IsLease(r) && subresource is null)
                {
                    meta.Remove("resourceVersion");
                    result = CreateLocked(r, ns, body, o, warnings, "Update");
                }
                else
                {
                    throw StatusErrors.NotFound(r, name);
                }
            }
            else
            {
                var rv = JsonText.GetString(meta, "resourceVersion");
                if (string.IsNullOrEmpty(rv))
                {
                    if (BuiltInResources.IsLease(r))
                    {
                        throw StatusErrors.Invalid(r, name,
                            [new FieldCause("FieldValueInvalid", "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update")]);
                    }
                }
                else if (rv != ObjectMeta.ResourceVersion(old))
                {
                    ParseRv(rv);
                    throw StatusErrors.Conflict(r, name);
                }
                CheckUid(r, name, old, body);
                var candidate = ToStorage(r, body);
                result = Commit(r, ns, old, candidate, subresource, o, warnings, "Update");
            }
        }
        ControllersNeeded?.Invoke();
        return result;
    }

    /// <summary>
    /// Applies a patch computed by <paramref name="patch"/> (current presented object → patched object, or
    /// null current for server-side apply creating). Runs under the lock so the read-modify-write is atomic.
    /// </summary>
    public WriteResult Patch(ApiResourceInfo r, string? ns, string name, string? subresource,
        Func<JsonObject?, JsonObject> patch, bool createIfMissing, WriteOptions o, string operation)
    {
        var warnings = new List<string>();
        WriteResult result;
        lock (store.Gate)
        {
            var storage = BuiltInResources.StorageKey(r);
            var old = store.Get(storage, ns, name);
            if (old is null)
            {
                if (!createIfMissing || subresource is not null)
                {
                    throw StatusErrors.NotFound(r, name);
                }
                var created = patch(null);
                var cmeta = ObjectMeta.Meta(created);
                if (JsonText.GetString(cmeta, "name") is { } n && n != name)
                {
                    throw StatusErrors.BadRequest($"the name of the object ({n}) does not match the name on the URL ({name})");
                }
                cmeta["name"] = name;
                if (r.Namespaced && !cmeta.ContainsKey("namespace"))
                {
                    cmeta["namespace"] = ns;
                }
                result = CreateLocked(r, ns, created, o, warnings, operation);
            }
            else
            {
                var current = Present(r, old);
                var patched = patch(current);
                CheckKind(r, patched);
                var meta = ObjectMeta.Meta(patched);
                if (JsonText.GetString(meta, "name") != name)
                {
                    throw StatusErrors.BadRequest($"the name of the object ({JsonText.GetString(meta, "name")}) does not match the name on the URL ({name})");
                }
                CheckNamespace(r, ns, patched);
                var rv = JsonText.GetString(meta, "resourceVersion");
                if (!string.IsNullOrEmpty(rv) && rv != ObjectMeta.ResourceVersion(old))
                {
                    ParseRv(rv);
                    throw StatusErrors.Conflict(r, name);
                }
                CheckUid(r, name, old, patched);
                result = Commit(r, ns, old, ToStorage(r, patched), subresource, o, warnings, operation);
            }
        }
        ControllersNeeded?.Invoke();
        return result;
    }

    /// <summary>DELETE of one object: preconditions, finalizers and propagation (store.go Delete).</summary>
    public WriteResult Delete(ApiResourceInfo r, string? ns, string name, DeleteOptions o)
    {
        WriteResult result;
        lock (store.Gate)
        {
            result = DeleteLocked(r, ns, name, o);
        }
        ControllersNeeded?.Invoke();
        return result;
    }

    public WriteResult DeleteCollection(ApiResourceInfo r, string? ns, ObjectFilter filter, DeleteOptions o)
    {
        var deleted = new JsonArray();
        long rv;
        lock (store.Gate)
        {
            var storage = BuiltInResources.StorageKey(r);
            var names = store.List(storage, ns).Where(kv => filter.Matches(kv.Value))
                .Select(kv => (ObjectMeta.Namespace(kv.Value), ObjectMeta.Name(kv.Value))).ToList();
            foreach (var (objNs, objName) in names)
            {
                var res = DeleteLocked(r, string.IsNullOrEmpty(objNs) ? null : objNs, objName, o with { PreconditionUid = null, PreconditionResourceVersion = null }, returnObject: true);
                deleted.Add(res.Body);
            }
            rv = store.Revision;
        }
        ControllersNeeded?.Invoke();
        var list = new JsonObject
        {
            ["kind"] = r.ListKind,
            ["apiVersion"] = r.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
        return new WriteResult(list, 200, []);
    }

    /// <summary>Deletes under the lock (used by the API and by the background controllers).</summary>
    internal WriteResult DeleteLocked(ApiResourceInfo r, string? ns, string name, DeleteOptions o, bool returnObject = false)
    {
        var storage = BuiltInResources.StorageKey(r);
        var old = store.Get(storage, ns, name) ?? throw StatusErrors.NotFound(r, name);
        if (o.PreconditionUid is { } uid && uid != ObjectMeta.Uid(old))
        {
            throw StatusErrors.Conflict(r, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {ObjectMeta.Uid(old)}");
        }
        if (o.PreconditionResourceVersion is { } prv && prv != ObjectMeta.ResourceVersion(old))
        {
            throw StatusErrors.Conflict(r, name,
                $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {ObjectMeta.ResourceVersion(old)}");
        }
        var policy = o.PropagationPolicy ?? "Background";
        if (policy is not ("Background" or "Foreground" or "Orphan"))
        {
            // apimachinery validation.go ValidateDeleteOptions: the options are invalid, not the object.
            throw StatusErrors.Invalid(BuiltInResources.DeleteOptionsKind, "",
                [FieldCause.NotSupported("propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"])]);
        }
        var finalizers = ObjectMeta.Finalizers(old);
        var changed = false;
        if (policy == "Foreground" && !finalizers.Contains("foregroundDeletion"))
        {
            finalizers.Remove("orphan");
            finalizers.Add("foregroundDeletion");
            changed = true;
        }
        else if (policy == "Orphan" && !finalizers.Contains("orphan"))
        {
            finalizers.Remove("foregroundDeletion");
            finalizers.Add("orphan");
            changed = true;
        }
        else if (policy == "Background" && o.PropagationPolicy is not null && finalizers.RemoveAll(f => f is "orphan" or "foregroundDeletion") > 0)
        {
            changed = true;
        }

        var isNamespace = KindRules.IsNamespace(r);
        if (KindRules.IsCrd(r) && !finalizers.Contains(CrdLifecycle.CleanupFinalizer))
        {
            finalizers.Add(CrdLifecycle.CleanupFinalizer);
            changed = true;
        }
        if (finalizers.Count > 0 || isNamespace)
        {
            // Graceful path (store.go updateForGracefulDeletionAndFinalizers): mark and keep the object.
            if (ObjectMeta.IsTerminating(old) && !changed)
            {
                return new WriteResult(Present(r, old), 200, []);
            }
            var marked = JsonText.Clone(old);
            var meta = ObjectMeta.Meta(marked);
            if (!ObjectMeta.IsTerminating(old))
            {
                if (ObjectMeta.Generation(old) > 0)
                {
                    meta["generation"] = ObjectMeta.Generation(old) + 1;
                }
                meta["deletionTimestamp"] = Now();
                meta["deletionGracePeriodSeconds"] = 0;
            }
            ObjectMeta.SetFinalizers(marked, finalizers);
            if (isNamespace)
            {
                JsonText.EnsureObject(marked, "status")["phase"] = "Terminating";
            }
            if (KindRules.IsCrd(r))
            {
                CrdLifecycle.MarkTerminating(marked, Now());
            }
            if (o.DryRun)
            {
                return new WriteResult(Present(r, marked), 200, []);
            }
            var rv = store.NextRevision();
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            store.Put(storage, marked, rv);
            return new WriteResult(Present(r, marked), 200, []);
        }

        if (o.DryRun)
        {
            return new WriteResult(returnObject ? Present(r, old) : SuccessStatus(r, old), 200, []);
        }
        var final = RemoveLocked(storage, old);
        return new WriteResult(returnObject ? Present(r, final) : SuccessStatus(r, old), 200, []);
    }

    /// <summary>Removes an object now, emitting DELETED with its last state at the deletion's resourceVersion.</summary>
    internal JsonObject RemoveLocked(string storage, JsonObject old)
    {
        var final = JsonText.Clone(old);
        var rv = store.NextRevision();
        ObjectMeta.Meta(final)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        store.Remove(storage, final, rv);
        if (storage == BuiltInResources.StorageKey(BuiltInResources.CustomResourceDefinitions))
        {
            // A deleted CRD stops being served; its watchers end (kube closes them too).
            var served = CrdResources.FromCrd(final);
            registry.SetCustom(ObjectMeta.Name(final), []);
            if (served.Count > 0)
            {
                store.CloseWatchers(BuiltInResources.StorageKey(served[0]));
            }
        }
        return final;
    }

    /// <summary>
    /// A write by a controller (GC, namespace, CRD finalizer): mutate a copy; a terminating object left without
    /// finalizers is deleted. Requires the store lock.
    /// </summary>
    internal void SystemUpdateLocked(ApiResourceInfo r, JsonObject old, Action<JsonObject> mutate)
    {
        var storage = BuiltInResources.StorageKey(r);
        var updated = JsonText.Clone(old);
        mutate(updated);
        ObjectMeta.DropEmptyFields(ObjectMeta.Meta(updated));
        if (JsonNode.DeepEquals(updated, old))
        {
            return;
        }
        if (ObjectMeta.IsTerminating(updated) && ObjectMeta.Finalizers(updated).Count == 0 && !KindRules.IsNamespace(r))
        {
            RemoveLocked(storage, updated);
            return;
        }
        var rv = store.NextRevision();
        ObjectMeta.Meta(updated)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        store.Put(storage, updated, rv);
    }

    private static JsonObject SuccessStatus(ApiResourceInfo r, JsonObject old)
    {
        var details = new JsonObject { ["name"] = ObjectMeta.Name(old) };
        if (r.Group.Length > 0)
        {
            details["group"] = r.Group;
        }
        details["kind"] = r.Plural;
        details["uid"] = ObjectMeta.Uid(old);
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    /// <summary>
    /// The common write path: system metadata, status subresource rules, generation, finalizer rules,
    /// validation, no-op detection, resourceVersion and the change event.
    /// </summary>
    internal WriteResult Commit(ApiResourceInfo r, string? ns, JsonObject? old, JsonObject candidate, string? subresource,
        WriteOptions o, List<string> warnings, string operation)
    {
        var storage = BuiltInResources.StorageKey(r);
        var sent = JsonText.Clone(candidate);
        if (old is not null && subresource == "status")
        {
            // Status strategies copy everything but .status from the stored object.
            var status = candidate["status"]?.DeepClone();
            var managed = JsonText.GetObject(candidate, "metadata")?["managedFields"]?.DeepClone();
            candidate = JsonText.Clone(old);
            if (status is null)
            {
                candidate.Remove("status");
            }
            else
            {
                candidate["status"] = status;
            }
            if (managed is not null)
            {
                ObjectMeta.Meta(candidate)["managedFields"] = managed;
            }
        }
        else if (r.HasStatusSubresource)
        {
            if (old?["status"] is { } oldStatus)
            {
                candidate["status"] = oldStatus.DeepClone();
            }
            else
            {
                candidate.Remove("status");
            }
        }

        if (subresource != "status" && !r.IsCustom)
        {
            // Decoding defaults the typed object (zz_generated.defaults.go) before the registry sees it.
            BuiltInDefaults.Apply(r, candidate);
            if (strategies.For(r) is { } strategy)
            {
                if (old is null)
                {
                    strategy.PrepareForCreate(r, ns, candidate);
                }
                else
                {
                    strategy.PrepareForUpdate(r, ns, old, candidate);
                }
            }
        }
        var meta = ObjectMeta.Meta(candidate);
        meta.Remove("selfLink");
        ObjectMeta.DropEmptyFields(meta);
        if (!r.Namespaced)
        {
            meta.Remove("namespace");
        }
        else
        {
            meta["namespace"] = ns;
        }
        var name = ObjectMeta.Name(candidate);
        var errors = new List<FieldCause>();

        if (old is null)
        {
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            if (BuiltInResources.TracksGeneration(r))
            {
                meta["generation"] = 1;
            }
            else
            {
                meta.Remove("generation");
            }
            if (name.Length == 0)
            {
                errors.Add(FieldCause.Required("metadata.name", "name or generateName is required"));
            }
            else
            {
                foreach (var problem in NameValidation.Check(name, KindRules.NameRuleFor(r)))
                {
                    errors.Add(FieldCause.Invalid("metadata.name", name, problem));
                }
            }
        }
        else
        {
            var oldMeta = ObjectMeta.Meta(JsonText.Clone(old));
            foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
            {
                if (oldMeta[field] is { } v)
                {
                    meta[field] = v.DeepClone();
                }
                else
                {
                    meta.Remove(field);
                }
            }
            if (ObjectMeta.IsTerminating(old))
            {
                var added = ObjectMeta.Finalizers(candidate).Except(ObjectMeta.Finalizers(old)).ToList();
                if (added.Count > 0)
                {
                    errors.Add(FieldCause.Forbidden("metadata.finalizers",
                        $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(FieldCause.Quote))}}}"));
                }
            }
            if (BuiltInResources.TracksGeneration(r) && subresource != "status" && SpecChanged(r, old, candidate))
            {
                meta["generation"] = ObjectMeta.Generation(old) + 1;
            }
        }

        MetadataValidation.Validate(meta, errors);
        ValidateOwnerReferences(meta, errors);
        KindRules.Apply(r, old, candidate, errors);
        if (KindRules.IsCrd(r))
        {
            CrdLifecycle.ValidateUpdate(candidate, old, errors);
        }
        Hooks?.Validate(r, old, candidate, errors, warnings, o.FieldValidation);
        if (errors.Count > 0)
        {
            throw StatusErrors.Invalid(r, name, errors);
        }
        Admission?.Validate(r, ns, name, subresource, old, candidate, o);

        if (operation != "Apply")
        {
            // Apply records its own managedFields entry (Patching/ServerSideApply).
            ManagedFields.Record(candidate, old, sent, o.Manager, operation, r.GroupVersion, Now(), subresource, ResourcePatchMeta.For(r));
        }

        if (old is not null && SameContent(old, candidate))
        {
            return new WriteResult(Present(r, old), 200, warnings);
        }
        if (o.DryRun)
        {
            return new WriteResult(Present(r, candidate), 200, warnings);
        }
        if (old is not null && ObjectMeta.IsTerminating(candidate) && ObjectMeta.Finalizers(candidate).Count == 0
            && !KindRules.IsNamespace(r))
        {
            // Removing the last finalizer of a terminating object deletes it (store.go deleteWithoutFinalizers).
            var final = RemoveLocked(storage, candidate);
            return new WriteResult(Present(r, final), 200, warnings);
        }
        if (Encoding.UTF8.GetByteCount(JsonText.Serialize(candidate)) > EtcdMaxRequestBytes)
        {
            throw StatusErrors.EtcdRequestTooLarge();
        }
        var rv = store.NextRevision();
        meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        store.Put(storage, candidate, rv);
        if (KindRules.IsCrd(r))
        {
            candidate = CrdLifecycle.AfterWrite(this, r, candidate);
        }
        return new WriteResult(Present(r, candidate), 200, warnings);
    }

    /// <summary>Custom resources: any change outside metadata (and status when it is a subresource) bumps generation.</summary>
    private static bool SpecChanged(ApiResourceInfo r, JsonObject old, JsonObject candidate)
    {
        foreach (var key in old.Select(kv => kv.Key).Union(candidate.Select(kv => kv.Key)))
        {
            if (key is "metadata" or "apiVersion" or "kind" || (key == "status" && r.HasStatusSubresource))
            {
                continue;
            }
            if (!JsonNode.DeepEquals(old[key], candidate[key]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameContent(JsonObject old, JsonObject candidate)
    {
        var a = JsonText.Clone(old);
        var b = JsonText.Clone(candidate);
        foreach (var o in new[] { a, b })
        {
            var m = ObjectMeta.Meta(o);
            m.Remove("resourceVersion");
            // As kube's IgnoreManagedFieldsTimestampsTransformer: a write that changes only managedFields times is
            // a no-op, one that changes who owns what (a new manager co-owning the same values) is not.
            // Entries are compared regardless of their order (a rewritten entry moves to the end).
            if (m["managedFields"] is JsonArray managed)
            {
                var entries = managed.Select(e => e?.DeepClone()).ToList();
                foreach (var entry in entries.OfType<JsonObject>())
                {
                    entry.Remove("time");
                }
                m["managedFields"] = new JsonArray([.. entries.OrderBy(e => e?.ToJsonString(), StringComparer.Ordinal)]);
            }
        }
        return JsonNode.DeepEquals(a, b);
    }

    private static void ValidateOwnerReferences(JsonObject meta, List<FieldCause> errors)
    {
        if (meta["ownerReferences"] is not JsonArray refs)
        {
            return;
        }
        string? controller = null;
        foreach (var node in refs)
        {
            if (node is not JsonObject owner)
            {
                errors.Add(FieldCause.Invalid("metadata.ownerReferences", null, "must be an object"));
                continue;
            }
            foreach (var (field, label) in new[] { ("apiVersion", "version"), ("kind", "kind"), ("name", "name"), ("uid", "uid") })
            {
                if (string.IsNullOrEmpty(JsonText.GetString(owner, field)))
                {
                    errors.Add(FieldCause.Invalid($"metadata.ownerReferences.{field}", "", $"{label} must not be empty"));
                }
            }
            if (owner["controller"] is JsonValue cv && cv.TryGetValue<bool>(out var isController) && isController)
            {
                var current = $"{JsonText.GetString(owner, "kind")}/{JsonText.GetString(owner, "name")}";
                if (controller is not null)
                {
                    errors.Add(new FieldCause("FieldValueInvalid", "metadata.ownerReferences",
                        $"Invalid value: {JsonText.Serialize(refs)}: Only one reference can have Controller set to true. Found \"true\" in references for {controller} and {current}"));
                }
                controller = current;
            }
        }
    }

    private void CheckKind(ApiResourceInfo r, JsonObject body)
    {
        var apiVersion = JsonText.GetString(body, "apiVersion");
        var kind = JsonText.GetString(body, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != r.Kind)
        {
            throw StatusErrors.BadRequest(
                $"the kind in the data ({kind}) does not match the expected kind ({r.Kind}) for this resource");
        }
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != r.GroupVersion)
        {
            var sameGroup = registry.All.Any(x => x.GroupVersion == apiVersion && BuiltInResources.StorageKey(x) == BuiltInResources.StorageKey(r));
            if (!sameGroup)
            {
                throw StatusErrors.BadRequest(
                    $"the API version in the data ({apiVersion}) does not match the expected API version ({r.GroupVersion})");
            }
        }
        if (body["metadata"] is { } m and not JsonObject)
        {
            _ = m;
            throw StatusErrors.BadRequest("the object provided is unrecognized or malformed: metadata must be an object");
        }
    }

    private static void CheckNamespace(ApiResourceInfo r, string? ns, JsonObject body)
    {
        var meta = ObjectMeta.Meta(body);
        if (!r.Namespaced)
        {
            return;
        }
        var bodyNs = JsonText.GetString(meta, "namespace");
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta["namespace"] = ns;
    }

    private static void CheckUid(ApiResourceInfo r, string name, JsonObject old, JsonObject body)
    {
        if (JsonText.GetString(body, "metadata", "uid") is { Length: > 0 } uid && uid != ObjectMeta.Uid(old))
        {
            throw StatusErrors.Conflict(r, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {ObjectMeta.Uid(old)}");
        }
    }

    /// <summary>NamespaceLifecycle admission: the namespace must exist and not be terminating.</summary>
    private void RequireActiveNamespace(ApiResourceInfo r, string ns, string name)
    {
        var nsObj = store.Get(BuiltInResources.StorageKey(BuiltInResources.Namespaces), null, ns)
            ?? throw StatusErrors.NotFound(BuiltInResources.Namespaces, ns);
        if (ObjectMeta.IsTerminating(nsObj) || JsonText.GetString(nsObj, "status", "phase") == "Terminating")
        {
            var ex = StatusErrors.Forbidden(r.Group, r.Plural, name,
                $"unable to create new content in namespace {ns} because it is being terminated");
            ex.Details!["causes"] = new JsonArray(new JsonObject
            {
                ["reason"] = "NamespaceTerminating",
                ["message"] = $"namespace {ns} is being terminated",
                ["field"] = "metadata.namespace",
            });
            throw ex;
        }
    }

    private static string RandomSuffix()
    {
        var sb = new StringBuilder(5);
        for (var i = 0; i < 5; i++)
        {
            sb.Append(GenerateNameAlphabet[RandomNumberGenerator.GetInt32(GenerateNameAlphabet.Length)]);
        }
        return sb.ToString();
    }

    /// <summary>Seeds an object at start (namespaces): full create path without an HTTP request.</summary>
    internal void Seed(ApiResourceInfo r, JsonObject body)
    {
        lock (store.Gate)
        {
            if (store.Get(BuiltInResources.StorageKey(r), null, ObjectMeta.Name(body)) is null)
            {
                CreateLocked(r, null, body, new WriteOptions { DefaultManager = "kube-apiserver" }, [], "Update");
            }
        }
    }
}
