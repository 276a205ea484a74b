using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Lists;

/// <summary>Namespace + label selector + field selector of a list, watch or deletecollection.</summary>
public sealed class ObjectFilter
{
    private readonly LabelSelector labels;
    private readonly FieldSelector fields;
    private readonly Func<JsonObject, JsonObject> present;

    private ObjectFilter(string? ns, LabelSelector labels, FieldSelector fields, Func<JsonObject, JsonObject> present)
    {
        Namespace = ns;
        this.labels = labels;
        this.fields = fields;
        this.present = present;
    }

    public string? Namespace { get; }

    /// <summary>Parses the selectors; syntax errors and unsupported field labels are 400 BadRequest as in kube.</summary>
    public static ObjectFilter Create(ApiResourceInfo resource, string? ns, string? labelSelector, string? fieldSelector,
        Func<JsonObject, JsonObject> present)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(labelSelector);
            fields = FieldSelector.Parse(fieldSelector);
        }
        catch (SelectorParseException ex)
        {
            throw StatusErrors.BadRequest(ex.Message);
        }
        if (FieldSelector.ValidateFields(fields, resource) is { } unsupported)
        {
            throw StatusErrors.BadRequest($"field label not supported: {unsupported}");
        }
        return new ObjectFilter(ns, labels, fields, present);
    }

    /// <summary>Matches a stored object (field selectors see the form served to this client, e.g. events.k8s.io).</summary>
    public bool Matches(JsonObject stored)
    {
        if (!string.IsNullOrEmpty(Namespace) && ObjectMeta.Namespace(stored) != Namespace)
        {
            return false;
        }
        if (!labels.IsEmpty && !labels.Matches(JsonText.GetObject(stored, "metadata", "labels")))
        {
            return false;
        }
        return fields.IsEmpty || fields.Matches(present(stored));
    }
}
