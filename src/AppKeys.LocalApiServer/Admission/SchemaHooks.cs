using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Resources;
using AppKeys.LocalApiServer.Schema;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>
/// Custom resources and CRDs through the pure <see cref="Schema"/> code, in apiextensions-apiserver's order:
/// prune unknown fields (400 under fieldValidation=Strict, a warning under Warn), default, validate (422).
/// </summary>
public sealed class SchemaHooks : ICustomResourceHooks
{
    // Parsed schemas per served version; the schema object is replaced whenever its CRD changes.
    private readonly ConditionalWeakTable<JsonObject, StructuralSchema> schemas = new();

    public void Validate(ApiResourceInfo resource, JsonObject? old, JsonObject candidate, List<FieldCause> errors,
        List<string> warnings, FieldValidationMode mode)
    {
        if (KindRules.IsCrd(resource))
        {
            DefaultCrd(candidate);
            foreach (var e in CustomResourceDefinitionValidator.Validate(candidate))
            {
                errors.Add(new FieldCause(e.Reason, e.Field, e.Message));
            }
            return;
        }
        if (!resource.IsCustom || resource.Schema is null)
        {
            return;
        }
        var schema = SchemaOf(resource.Schema);
        var pruned = schema.Prune(candidate);
        if (pruned.Count > 0)
        {
            var unknown = pruned.Select(p => $"unknown field \"{p}\"").ToList();
            if (mode == FieldValidationMode.Strict)
            {
                throw StatusErrors.BadRequest(
                    $"{resource.Kind} in version \"{resource.Version}\" cannot be handled as a {resource.Kind}: strict decoding error: {string.Join(", ", unknown)}");
            }
            if (mode == FieldValidationMode.Warn)
            {
                warnings.AddRange(unknown);
            }
        }
        schema.ApplyDefaults(candidate);
        var structural = schema.Validate(candidate);
        foreach (var e in structural)
        {
            errors.Add(new FieldCause(e.Reason, e.Field, e.Message));
        }
        if (structural.Any(e => e.Reason == FieldError.TypeInvalid))
        {
            // customResourceStrategy.Validate: CEL does not run on an object of the wrong shape (hasBlockingErr).
            errors.Add(new FieldCause(FieldError.Invalid, "<nil>",
                "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            return;
        }
        foreach (var e in schema.ValidateRules(candidate, old))
        {
            errors.Add(new FieldCause(e.Reason, e.Field, e.Message));
        }
    }

    public void ApplyDefaultsOnRead(ApiResourceInfo resource, JsonObject obj)
    {
        if (resource.IsCustom && resource.Schema is not null)
        {
            SchemaOf(resource.Schema).ApplyDefaults(obj);
        }
    }

    private StructuralSchema SchemaOf(JsonObject schema) => schemas.GetValue(schema, StructuralSchema.FromOpenApiV3);

    /// <summary>apiextensions SetDefaults_CustomResourceDefinitionSpec: names and conversion.</summary>
    private static void DefaultCrd(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }
        if (spec["names"] is JsonObject names && names["kind"] is JsonValue kindValue && kindValue.TryGetValue<string>(out var kind))
        {
            if (names["singular"] is null)
            {
                names["singular"] = kind.ToLowerInvariant();
            }
            if (names["listKind"] is null)
            {
                names["listKind"] = kind + "List";
            }
        }
        if (spec["conversion"] is null)
        {
            spec["conversion"] = new JsonObject { ["strategy"] = "None" };
        }
    }
}
