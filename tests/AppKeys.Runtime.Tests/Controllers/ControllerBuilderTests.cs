using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Controllers;

public sealed class ControllerBuilderTests
{
    private static readonly ResourceInfo Deployment = ResourceInfo.For<V1Deployment>();
    private static readonly ResourceInfo ConfigMap = ResourceInfo.For<V1ConfigMap>();

    private static V1Secret Owned(params V1OwnerReference[] references) => new()
    {
        Metadata = new V1ObjectMeta { Name = "owned", NamespaceProperty = "team-a", OwnerReferences = references },
    };

    private static V1OwnerReference Reference(string apiVersion, string kind, string name = "owner", bool controller = true) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = "uid-" + name, Controller = controller };

    // Owns<T> matches the controller ownerReference by API group and kind, never by version, as controller-runtime's
    // EnqueueRequestForOwner does (pkg/handler/enqueue_owner.go): an owner stored at another served version of the same
    // group (e.g. written by an older operator release before a CRD version bump) is the same object.
    [Theory]
    [InlineData("apps/v1", "Deployment", true)]
    [InlineData("apps/v1beta2", "Deployment", true)]
    [InlineData("apps/v2alpha1", "Deployment", true)]
    [InlineData("extensions/v1beta1", "Deployment", false)]
    [InlineData("v1", "Deployment", false)]
    [InlineData("apps/v1", "StatefulSet", false)]
    [InlineData("apps.example.com/v1", "Deployment", false)]
    public void Owner_references_match_by_group_and_kind_not_version(string apiVersion, string kind, bool matches)
    {
        var keys = ControllerBuilder<V1Deployment>.OwnerKeys(Owned(Reference(apiVersion, kind)), Deployment).ToList();

        if (matches)
        {
            Assert.Equal([new ObjectKey("team-a", "owner")], keys);
        }
        else
        {
            Assert.Empty(keys);
        }
    }

    [Fact]
    public void The_core_group_matches_core_kinds_at_any_version()
    {
        Assert.Equal([new ObjectKey("team-a", "owner")], ControllerBuilder<V1ConfigMap>.OwnerKeys(Owned(Reference("v1", "ConfigMap")), ConfigMap));
        Assert.Equal([new ObjectKey("team-a", "owner")], ControllerBuilder<V1ConfigMap>.OwnerKeys(Owned(Reference("v2", "ConfigMap")), ConfigMap));
        Assert.Empty(ControllerBuilder<V1ConfigMap>.OwnerKeys(Owned(Reference("apps/v1", "ConfigMap")), ConfigMap));
    }

    [Fact]
    public void Only_the_controller_reference_enqueues()
    {
        var owned = Owned(Reference("apps/v1", "Deployment", "plain-owner", controller: false), Reference("apps/v1beta1", "Deployment", "controller-owner"));
        Assert.Equal([new ObjectKey("team-a", "controller-owner")], ControllerBuilder<V1Deployment>.OwnerKeys(owned, Deployment));
        Assert.Empty(ControllerBuilder<V1Deployment>.OwnerKeys(Owned(Reference("apps/v1", "Deployment", controller: false)), Deployment));
        Assert.Empty(ControllerBuilder<V1Deployment>.OwnerKeys(Owned(), Deployment));
    }

    [Fact]
    public void A_cluster_scoped_owner_is_enqueued_without_a_namespace()
    {
        var keys = ControllerBuilder<V1Namespace>.OwnerKeys(Owned(Reference("v1", "Namespace", "team-a")), ResourceInfo.For<V1Namespace>());
        Assert.Equal([new ObjectKey(null, "team-a")], keys);
    }
}
