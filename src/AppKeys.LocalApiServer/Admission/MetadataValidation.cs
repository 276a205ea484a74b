using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>
/// The label and annotation checks kube-apiserver runs on every create and update of every kind (apimachinery
/// <c>pkg/apis/meta/v1/validation ValidateLabels</c> and <c>pkg/api/validation/objectmeta.go ValidateAnnotations</c>,
/// both called from <c>ValidateObjectMetaAccessor</c> / <c>ValidateObjectMetaAccessorUpdate</c>). Every cause is
/// reported on the map's path (<c>metadata.labels</c>, <c>metadata.annotations</c>), never on the key's.
/// </summary>
internal static class MetadataValidation
{
    /// <summary><c>TotalAnnotationSizeLimitB</c>: the sum of the byte lengths of all annotation keys and values.</summary>
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    /// <summary>Appends the problems of <paramref name="meta"/>'s labels, then of its annotations, in kube's order.</summary>
    public static void Validate(JsonObject meta, List<FieldCause> errors)
    {
        ValidateLabels(meta["labels"] as JsonObject, errors);
        ValidateAnnotations(meta["annotations"] as JsonObject, errors);
    }

    public static void ValidateLabels(JsonObject? labels, List<FieldCause> errors)
    {
        if (labels is null)
        {
            return;
        }
        foreach (var (key, node) in labels)
        {
            foreach (var problem in KubeNames.IsQualifiedName(key))
            {
                errors.Add(FieldCause.Invalid("metadata.labels", key, problem));
            }
            var value = JsonText.ScalarString(node) ?? "";
            foreach (var problem in KubeNames.IsValidLabelValue(value))
            {
                errors.Add(FieldCause.Invalid("metadata.labels", value, problem));
            }
        }
    }

    public static void ValidateAnnotations(JsonObject? annotations, List<FieldCause> errors)
    {
        if (annotations is null)
        {
            return;
        }
        long total = 0;
        foreach (var (key, node) in annotations)
        {
            // Annotation keys are qualified names in which case does not matter: kube lower-cases before checking
            // and reports the key as sent.
            foreach (var problem in KubeNames.IsQualifiedName(key.ToLowerInvariant()))
            {
                errors.Add(FieldCause.Invalid("metadata.annotations", key, problem));
            }
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(JsonText.ScalarString(node) ?? "");
        }
        if (total > TotalAnnotationSizeLimitBytes)
        {
            errors.Add(FieldCause.TooLong("metadata.annotations", TotalAnnotationSizeLimitBytes));
        }
    }
}
