using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Controllers;

internal sealed partial class BackgroundControllers
{
    /// <summary>apiextensions finalizer controller: delete a terminating CRD's objects, then release the CRD.</summary>
    private bool CleanUpCrds(List<Entry> all)
    {
        var changed = false;
        foreach (var crd in all.Where(e => KindRules.IsCrd(e.Resource) && ObjectMeta.IsTerminating(e.Object)))
        {
            if (!ObjectMeta.Finalizers(crd.Object).Contains(CrdLifecycle.CleanupFinalizer))
            {
                continue;
            }
            var served = CrdResources.FromCrd(crd.Object);
            var storage = served.Count > 0 ? BuiltInResources.StorageKey(served[0]) : null;
            var objects = storage is null ? [] : all.Where(e => e.Storage == storage).ToList();
            foreach (var item in objects.Where(e => !ObjectMeta.IsTerminating(e.Object)))
            {
                service.DeleteLocked(item.Resource, NullIfEmpty(ObjectMeta.Namespace(item.Object)), ObjectMeta.Name(item.Object), new DeleteOptions());
                changed = true;
            }
            if (objects.Count > 0)
            {
                continue;
            }
            service.SystemUpdateLocked(crd.Resource, crd.Object, obj =>
                ObjectMeta.SetFinalizers(obj, ObjectMeta.Finalizers(obj).Where(f => f != CrdLifecycle.CleanupFinalizer).ToList()));
            changed = true;
        }
        return changed;
    }
}
