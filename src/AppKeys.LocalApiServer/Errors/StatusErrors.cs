using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Errors;

/// <summary>
/// Factories for the error answers of kube-apiserver, with the exact messages of apimachinery
/// <c>pkg/api/errors/errors.go</c> (clients branch on code and reason; humans read the message).
/// </summary>
public static class StatusErrors
{
    public const string ConflictDetail = "the object has been modified; please apply your changes to the latest version and try again";

    public static ApiException NotFound(ApiResourceInfo resource, string name) =>
        NotFound(resource.Group, resource.Plural, name);

    public static ApiException NotFound(string group, string plural, string name) =>
        new(404, "NotFound", $"{Qualified(group, plural)} \"{name}\" not found", Details(name, group, plural));

    public static ApiException AlreadyExists(ApiResourceInfo resource, string name) =>
        new(409, "AlreadyExists", $"{resource.QualifiedResource} \"{name}\" already exists",
            Details(name, resource.Group, resource.Plural));

    public static ApiException Conflict(ApiResourceInfo resource, string name, string detail = ConflictDetail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedResource} \"{name}\": {detail}",
            Details(name, resource.Group, resource.Plural));

    public static ApiException Invalid(ApiResourceInfo resource, string name, IReadOnlyList<FieldCause> causes)
    {
        var qualifiedKind = resource.Group.Length == 0 ? resource.Kind : $"{resource.Kind}.{resource.Group}";
        // field.ErrorList.ToAggregate drops repeated messages (the causes keep them all); then utilerrors.NewAggregate
        // prints one error bare and several as "[a, b]".
        var rendered = causes.Select(c => $"{c.Field}: {c.Body}").Distinct(StringComparer.Ordinal).ToList();
        var aggregate = rendered.Count == 1 ? rendered[0] : "[" + string.Join(", ", rendered) + "]";
        var details = Details(name, resource.Group, resource.Kind);
        var array = new JsonArray();
        foreach (var c in causes)
        {
            array.Add(new JsonObject { ["reason"] = c.Type, ["message"] = c.Body, ["field"] = c.Field });
        }
        details["causes"] = array;
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {aggregate}", details);
    }

    /// <summary>
    /// apiserver <c>internal.NewConflictError</c>: one <c>FieldManagerConflict</c> cause per conflict, and a message
    /// naming the single conflict or grouping several by manager (managers already sorted, printed as kube does).
    /// </summary>
    public static ApiException ApplyConflict(IReadOnlyList<(string Manager, string Path)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (manager, path) in conflicts)
        {
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = "conflict with " + manager, ["field"] = path });
        }
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager}: {conflicts[0].Path}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => c.Manager, StringComparer.Ordinal)
                .SelectMany(g => g.Select(c => "- " + c.Path).Prepend($"conflicts with {g.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }
        return new ApiException(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException Gone(string message) => new(410, "Gone", message);

    public static ApiException Forbidden(string group, string plural, string name, string detail)
    {
        var q = Qualified(group, plural);
        var message = name.Length == 0 ? $"{q} is forbidden: {detail}" : $"{q} \"{name}\" is forbidden: {detail}";
        return new ApiException(403, "Forbidden", message, Details(name, group, plural));
    }

    public static ApiException MethodNotSupported(ApiResourceInfo? resource, string action)
    {
        var q = resource?.QualifiedResource ?? "";
        var details = new JsonObject();
        if (resource is not null)
        {
            if (resource.Group.Length > 0)
            {
                details["group"] = resource.Group;
            }
            details["kind"] = resource.Plural;
        }
        return new ApiException(405, "MethodNotAllowed", $"{action} is not supported on resources of kind \"{q}\"", details);
    }

    public static ApiException UnsupportedMediaType(string contentType, IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");

    public static ApiException NotAcceptable(IEnumerable<string> accepted) =>
        new(406, "NotAcceptable",
            $"the server was unable to respond with a content type that the client supports (acceptable: {string.Join(", ", accepted)})");

    public static ApiException RequestEntityTooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    // kube's NotFound handler answers NewGenericServerResponse(404, ...): empty details, written as "details":{}.
    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    /// <summary>NewGenericServerResponse(422, ...): what kube answers when a JSON patch cannot be applied (handlers/patch.go).</summary>
    public static ApiException GenericInvalid() =>
        new(422, "Invalid", "the server rejected our request due to an error in our request", new JsonObject());

    /// <summary>
    /// etcd's answer to a write over its request limit (--max-request-bytes, 1.5 MiB by default), passed through by
    /// the registry as a plain error: 500 without a reason (apiserver handlers/responsewriters/status.go ErrorToAPIStatus).
    /// </summary>
    public static ApiException EtcdRequestTooLarge() => new(500, "", "etcdserver: request is too large");

    /// <summary>
    /// A create/update body that does not decode (handlers/rest.go transformDecodeError, runtime/serializer/json
    /// meta.go Interpret): Go's own error text, then a summary of the body.
    /// </summary>
    public static ApiException UndecodableObject(string kind, string goError, ReadOnlySpan<byte> body) =>
        BadRequest($"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: {goError} ({GoCompat.GoJsonSyntax.Summarize(body)})");

    public static ApiException Internal(string message) =>
        new(500, "InternalError", $"Internal error occurred: {message}",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });

    private static string Qualified(string group, string plural) => group.Length == 0 ? plural : $"{plural}.{group}";

    private static JsonObject Details(string name, string group, string kind)
    {
        var d = new JsonObject();
        if (name.Length > 0)
        {
            d["name"] = name;
        }
        if (group.Length > 0)
        {
            d["group"] = group;
        }
        d["kind"] = kind;
        return d;
    }
}
