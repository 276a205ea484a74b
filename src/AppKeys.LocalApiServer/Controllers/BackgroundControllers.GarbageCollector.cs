using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Controllers;

internal sealed partial class BackgroundControllers
{
    /// <summary>kube GC attemptToDeleteItem: dependents of absent owners go; orphaned ones lose the reference.</summary>
    private bool CollectGarbage(List<Entry> all, Dictionary<string, Entry> byUid)
    {
        var changed = false;
        foreach (var dep in all)
        {
            if (JsonText.GetObject(dep.Object, "metadata")?["ownerReferences"] is not JsonArray { Count: > 0 } refs)
            {
                continue;
            }
            if (service.Store.Get(dep.Storage, NullIfEmpty(ObjectMeta.Namespace(dep.Object)), ObjectMeta.Name(dep.Object)) != dep.Object)
            {
                continue; // changed earlier in this pass
            }
            var depNs = ObjectMeta.Namespace(dep.Object);
            var solid = 0;
            var remove = new List<string>();
            var foregroundOwner = false;
            foreach (var owner in refs.OfType<JsonObject>())
            {
                var uid = JsonText.GetString(owner, "uid") ?? "";
                if (!byUid.TryGetValue(uid, out var o) || (o.Resource.Namespaced && ObjectMeta.Namespace(o.Object) != depNs))
                {
                    remove.Add(uid); // absent (a cross-namespace owner counts as absent)
                    continue;
                }
                var finalizers = ObjectMeta.Finalizers(o.Object);
                if (ObjectMeta.IsTerminating(o.Object) && finalizers.Contains("orphan"))
                {
                    remove.Add(uid);
                    continue;
                }
                if (ObjectMeta.IsTerminating(o.Object) && finalizers.Contains("foregroundDeletion"))
                {
                    foregroundOwner = true;
                    remove.Add(uid);
                    continue;
                }
                solid++;
            }
            if (remove.Count == 0 || !Waited("gc/" + ObjectMeta.Uid(dep.Object), gcDelay))
            {
                continue;
            }
            var orphanedOnly = remove.All(uid => byUid.TryGetValue(uid, out var o) && ObjectMeta.Finalizers(o.Object).Contains("orphan")
                && ObjectMeta.IsTerminating(o.Object));
            if (solid == 0 && !orphanedOnly)
            {
                if (!ObjectMeta.IsTerminating(dep.Object))
                {
                    service.DeleteLocked(dep.Resource, NullIfEmpty(depNs), ObjectMeta.Name(dep.Object),
                        new DeleteOptions { PropagationPolicy = foregroundOwner ? "Foreground" : "Background" });
                    changed = true;
                }
                continue;
            }
            // Solid owners remain (or only orphaning owners): drop the references to the others.
            service.SystemUpdateLocked(dep.Resource, dep.Object, obj =>
            {
                var meta = ObjectMeta.Meta(obj);
                var kept = new JsonArray();
                foreach (var owner in refs.OfType<JsonObject>())
                {
                    if (!remove.Contains(JsonText.GetString(owner, "uid") ?? ""))
                    {
                        kept.Add(owner.DeepClone());
                    }
                }
                if (kept.Count == 0)
                {
                    meta.Remove("ownerReferences");
                }
                else
                {
                    meta["ownerReferences"] = kept;
                }
            });
            changed = true;
        }
        return changed;
    }

    /// <summary>Removes the orphan / foregroundDeletion finalizers once their condition holds.</summary>
    private bool FinishOwners(List<Entry> all)
    {
        var changed = false;
        foreach (var owner in all)
        {
            if (!ObjectMeta.IsTerminating(owner.Object))
            {
                continue;
            }
            var finalizers = ObjectMeta.Finalizers(owner.Object);
            var uid = ObjectMeta.Uid(owner.Object);
            string? done = null;
            if (finalizers.Contains("orphan") && !all.Any(d => References(d.Object, uid, blockingOnly: false)))
            {
                done = "orphan";
            }
            else if (finalizers.Contains("foregroundDeletion") && !all.Any(d => References(d.Object, uid, blockingOnly: true)))
            {
                done = "foregroundDeletion";
            }
            if (done is null)
            {
                continue;
            }
            service.SystemUpdateLocked(owner.Resource, owner.Object, obj =>
                ObjectMeta.SetFinalizers(obj, ObjectMeta.Finalizers(obj).Where(f => f != done).ToList()));
            changed = true;
        }
        return changed;
    }

    private static bool References(JsonObject dependent, string uid, bool blockingOnly)
    {
        if (JsonText.GetObject(dependent, "metadata")?["ownerReferences"] is not JsonArray refs)
        {
            return false;
        }
        return refs.OfType<JsonObject>().Any(r => JsonText.GetString(r, "uid") == uid
            && (!blockingOnly || (r["blockOwnerDeletion"] is JsonValue b && b.TryGetValue<bool>(out var block) && block)));
    }
}
