using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Controllers;

internal sealed partial class BackgroundControllers
{
    /// <summary>kube namespace controller: delete everything in a terminating namespace, then the namespace.</summary>
    private bool TerminateNamespaces(List<Entry> all)
    {
        var changed = false;
        foreach (var ns in all.Where(e => KindRules.IsNamespace(e.Resource) && ObjectMeta.IsTerminating(e.Object)))
        {
            if (!Waited("ns/" + ObjectMeta.Uid(ns.Object), namespaceDelay))
            {
                continue;
            }
            var name = ObjectMeta.Name(ns.Object);
            var contents = all.Where(e => e.Resource.Namespaced && ObjectMeta.Namespace(e.Object) == name).ToList();
            foreach (var item in contents.Where(e => !ObjectMeta.IsTerminating(e.Object)))
            {
                service.DeleteLocked(item.Resource, name, ObjectMeta.Name(item.Object), new DeleteOptions());
                changed = true;
            }
            if (contents.Count > 0)
            {
                continue;
            }
            var specFinalizers = JsonText.GetObject(ns.Object, "spec")?["finalizers"] as JsonArray;
            if (specFinalizers is { Count: > 0 })
            {
                service.SystemUpdateLocked(ns.Resource, ns.Object, obj =>
                {
                    var spec = JsonText.EnsureObject(obj, "spec");
                    var kept = new JsonArray();
                    foreach (var f in specFinalizers.Select(JsonText.ScalarString).Where(f => f != "kubernetes"))
                    {
                        kept.Add(f);
                    }
                    if (kept.Count == 0)
                    {
                        spec.Remove("finalizers");
                    }
                    else
                    {
                        spec["finalizers"] = kept;
                    }
                });
                changed = true;
            }
            else if (ObjectMeta.Finalizers(ns.Object).Count == 0)
            {
                service.RemoveLocked(ns.Storage, ns.Object);
                changed = true;
            }
        }
        return changed;
    }
}
