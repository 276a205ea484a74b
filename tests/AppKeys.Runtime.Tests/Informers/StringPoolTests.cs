using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Informers;

public class StringPoolTests
{
    private static string Copy(string value) => new(value.AsSpan());

    [Fact]
    public void Equal_strings_come_back_as_one_instance()
    {
        var pool = new StringPool(16);
        var first = pool.Get(Copy("app.kubernetes.io/managed-by"));
        var second = pool.Get(Copy("app.kubernetes.io/managed-by"));
        Assert.Same(first, second);
        Assert.Null(pool.Get(null));
    }

    [Fact]
    public void Long_strings_are_not_kept_and_a_full_pool_starts_over()
    {
        var pool = new StringPool(2);
        var longValue = new string('x', StringPool.MaxLength + 1);
        Assert.Same(longValue, pool.Get(longValue));
        Assert.Equal(0, pool.Count);

        pool.Get(Copy("a"));
        pool.Get(Copy("b"));
        Assert.Equal(2, pool.Count);
        pool.Get(Copy("c"));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Compact_strips_managed_fields_and_shares_metadata_strings_of_two_objects()
    {
        static V1Secret Secret(string name) => new()
        {
            ApiVersion = Copy("v1"),
            Kind = Copy("Secret"),
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Copy("default"),
                Labels = new Dictionary<string, string> { [Copy("app.kubernetes.io/managed-by")] = Copy("appkeys-operator") },
                Annotations = new Dictionary<string, string> { [Copy("appkeys.io/revision")] = Copy("1") },
                OwnerReferences = [new V1OwnerReference { ApiVersion = Copy("appkeys.io/v1alpha1"), Kind = Copy("ApplicationKey"), Name = name, Uid = name }],
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "m" }],
            },
        };

        var a = InformerTransforms.Compact(Secret("a"));
        var b = InformerTransforms.Compact(Secret("b"));

        Assert.Null(a.Metadata.ManagedFields);
        Assert.Same(a.Kind, b.Kind);
        Assert.Same(a.ApiVersion, b.ApiVersion);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Metadata.Labels.Keys.Single(), b.Metadata.Labels.Keys.Single());
        Assert.Same(a.Metadata.Labels.Values.Single(), b.Metadata.Labels.Values.Single());
        Assert.Same(a.Metadata.Annotations.Values.Single(), b.Metadata.Annotations.Values.Single());
        Assert.Same(a.Metadata.OwnerReferences[0].Kind, b.Metadata.OwnerReferences[0].Kind);
        Assert.Equal("b", b.Metadata.OwnerReferences[0].Name);
        Assert.Equal("appkeys-operator", b.Metadata.Labels["app.kubernetes.io/managed-by"]);
    }
}
