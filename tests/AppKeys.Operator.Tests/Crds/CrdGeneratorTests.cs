using System.Text.Json;
using AppKeys.Manifests;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Tests.Crds;

public class CrdGeneratorTests
{
    private static V1JSONSchemaProps Spec(Type type) =>
        CrdGenerator.Generate(type).Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"];

    [Fact]
    public void Names_do_not_collide_with_well_known_crds()
    {
        var taken = new[] { "app", "apps", "application", "applications", "appproj", "cert", "certs", "secret", "key", "all" };
        foreach (var crd in CrdGenerator.GenerateAll())
        {
            Assert.Equal("Namespaced", crd.Spec.Scope);
            Assert.Equal(["appkeys"], crd.Spec.Names.Categories);
            Assert.DoesNotContain(crd.Spec.Names.ShortNames, taken.Contains);
            Assert.NotNull(crd.Spec.Versions[0].Subresources.Status);
        }
    }

    [Fact]
    public void ApplicationKey_columns_show_ready_application_keytype_tokentype_expires_secret_age_and_wide_extras()
    {
        var columns = CrdGenerator.Generate(typeof(V1Alpha1ApplicationKey)).Spec.Versions[0].AdditionalPrinterColumns;
        Assert.Equal(
            ["Ready", "Application", "Key Type", "Token Type", "Expires", "Secret", "Age"],
            columns.Where(c => c.Priority is null or 0).Select(c => c.Name));
        Assert.Contains(columns, c => c.Name == "Scopes" && c.Priority == 1);
        Assert.Contains(columns, c => c.Name == "Renewal" && c.Priority == 1);
    }

    [Theory]
    [InlineData("Expires")]
    [InlineData("Renewal")]
    public void Future_instants_are_string_columns_because_date_columns_render_future_times_as_invalid(string name)
    {
        // apiextensions-apiserver tableconvertor renders "date" cells with duration.HumanDuration(time.Since(t)),
        // which prints "<invalid>" for any time more than a second in the future.
        var column = CrdGenerator.Generate(typeof(V1Alpha1ApplicationKey)).Spec.Versions[0].AdditionalPrinterColumns
            .Single(c => c.Name == name);
        Assert.Equal("string", column.Type);
    }

    [Theory]
    [InlineData(typeof(V1Alpha1Application), "tokenType", "\"JWT\"")]
    [InlineData(typeof(V1Alpha1Application), "throttlingPolicy", "\"Unlimited\"")]
    [InlineData(typeof(V1Alpha1Application), "keyTypes", "[\"Production\"]")]
    [InlineData(typeof(V1Alpha1Application), "grantTypes", "[\"client_credentials\"]")]
    [InlineData(typeof(V1Alpha1ApplicationKey), "keyType", "\"Production\"")]
    [InlineData(typeof(V1Alpha1ApplicationKey), "validityPeriod", "3600")]
    public void Defaults_are_typed_json(Type type, string field, string json)
    {
        var value = (JsonElement)Spec(type).Properties[field].DefaultProperty;
        Assert.Equal(json, value.GetRawText());
    }

    [Fact]
    public void Every_spec_field_has_a_description_for_kubectl_explain()
    {
        foreach (var type in CrdGenerator.EntityTypes)
        {
            foreach (var (name, schema) in Spec(type).Properties)
            {
                Assert.False(string.IsNullOrWhiteSpace(schema.Description), $"{type.Name}.spec.{name} has no description");
            }
        }
    }

    [Fact]
    public void Enums_and_bounds_are_emitted()
    {
        var app = Spec(typeof(V1Alpha1Application));
        Assert.Equal(["JWT", "Opaque"], app.Properties["tokenType"].EnumProperty.Cast<string>());
        Assert.Equal(["Production", "Sandbox"], ((V1JSONSchemaProps)app.Properties["keyTypes"].Items).EnumProperty.Cast<string>());
        Assert.Equal(1, app.Properties["keyTypes"].MinItems);
        Assert.Equal("set", app.Properties["keyTypes"].XKubernetesListType);

        var key = Spec(typeof(V1Alpha1ApplicationKey));
        Assert.Equal(["applicationRef"], key.Required);
        Assert.Equal(V1Alpha1ApplicationKeySpec.MaxValidityPeriodSeconds, key.Properties["validityPeriod"].Maximum);
        Assert.Equal("int64", key.Properties["validityPeriod"].Format);
        Assert.Equal(V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds, key.Properties["renewBefore"].Minimum);
        Assert.Contains(key.Properties["validityPeriod"].XKubernetesValidations, r => r.Rule == "self < 0 || self >= 600");
        Assert.NotNull(key.Properties["secretName"].Pattern);
    }
}
