using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) as kube-apiserver applies it to stored
/// objects: apimachinery <c>pkg/util/strategicpatch/patch.go</c> <c>StrategicMergeMapPatch</c> with
/// <c>MergeParallelList</c> and <c>IgnoreUnmatchedNulls</c>. Lists merge by the built-in kinds' merge keys
/// (<see cref="BuiltInPatchMeta"/>); other lists are replaced. Directives: <c>$patch</c> (replace/delete in maps,
/// replace/delete elements in merging lists), <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c>,
/// <c>$deleteFromPrimitiveList/&lt;list&gt;</c>; a null value deletes the key.
/// </summary>
/// <remarks>
/// Deliberate differences from kube: list merges use hash lookups (kube scans lists, O(n·m)); a new value under a
/// missing key is merged against an empty value so nested directives are honoured rather than stored (kube later
/// drops them when decoding into the typed struct, with the same visible result).
/// </remarks>
public static class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    public static JsonNode Apply(JsonNode original, JsonNode patch, ApiResourceInfo resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (original is not JsonObject originalObject)
        {
            throw new PatchException("invalid JSON document", 400);
        }

        if (patch is not JsonObject patchObject)
        {
            throw new PatchException(
                $"json: cannot unmarshal {GoJsonType(patch)} into Go value of type map[string]interface {{}}", 400);
        }

        return MergeMap((JsonObject)originalObject.DeepClone(), (JsonObject)patchObject.DeepClone(), BuiltInPatchMeta.For(resource));
    }

    internal static JsonObject MergeMap(JsonObject original, JsonObject patch, PatchMeta? meta)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            var d = Text(directive);
            if (d == "replace")
            {
                patch.Remove(DirectiveMarker);
                return MergeMap([], patch, meta);
            }

            if (d == "delete")
            {
                return [];
            }

            throw new PatchException($"unknown patch type: {GoValue.Format(directive)} in map: {GoValue.Format(patch)}");
        }

        ApplyRetainKeys(original, patch);
        MergeSetElementOrderLists(original, patch, meta);

        // Deletions from primitive lists first so that a parallel addition in the same patch is never undone.
        var keys = patch.Select(p => p.Key)
            .OrderBy(k => k.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) ? 0 : 1)
            .ToList();
        foreach (var rawKey in keys)
        {
            var patchValue = Detach(patch, rawKey);
            var key = rawKey;
            var isDeleteList = false;
            if (rawKey.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                key = rawKey[DeleteFromPrimitiveListPrefix.Length..];
                isDeleteList = true;
                if (key.Length == 0)
                {
                    throw new PatchException("invalid patch format of primitive list", 400);
                }
            }
            else if (rawKey.StartsWith('$'))
            {
                // Unknown directive-like keys never reach a typed object in kube; drop them.
                continue;
            }

            var field = meta?.Lookup(key);
            if (patchValue is null)
            {
                if (!isDeleteList)
                {
                    original.Remove(key);
                }

                continue;
            }

            original.TryGetPropertyValue(key, out var originalValue);
            switch (originalValue, patchValue)
            {
                case (JsonObject o, JsonObject p):
                    var mergedMap = field?.Strategy == "replace" ? Fresh(p, field) : MergeMap(Detach(original, key) as JsonObject ?? o, p, field?.Child);
                    original[key] = mergedMap;
                    break;
                case (JsonArray, JsonArray p):
                    var originalList = (JsonArray)Detach(original, key)!;
                    original[key] = MergeSliceHandler(originalList, p, field, isDeleteList);
                    break;
                default:
                    if (!isDeleteList)
                    {
                        original[key] = Fresh(patchValue, field);
                    }

                    break;
            }
        }

        return original;
    }

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
        {
            return;
        }

        patch.Remove(RetainKeysDirective);
        if (retain is not JsonArray list)
        {
            throw new PatchException("invalid patch format of retainKeys", 400);
        }

        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (Text(item) is { } s)
            {
                keep.Add(s);
            }
        }

        foreach (var (k, v) in patch)
        {
            if (v is null || k.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)
                || k.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!keep.Contains(k))
            {
                throw new PatchException("invalid patch format of retainKeys", 400);
            }
        }

        foreach (var k in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
        {
            original.Remove(k);
        }
    }

    // mergePatchIntoOriginal: a $setElementOrder list and the list it orders are merged together here.
    private static void MergeSetElementOrderLists(JsonObject original, JsonObject patch, PatchMeta? meta)
    {
        foreach (var directiveKey in patch.Select(p => p.Key).Where(k => k.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)).ToList())
        {
            var orderNode = Detach(patch, directiveKey);
            if (orderNode is not JsonArray order)
            {
                throw new PatchException($"expected a []interface {{}}, but received a {GoType(orderNode)}");
            }

            var key = directiveKey[SetElementOrderPrefix.Length..];
            if (key.Length == 0)
            {
                throw new PatchException("invalid patch format of setElementOrder list", 400);
            }

            var foundOriginal = original.TryGetPropertyValue(key, out var originalNode) && originalNode is not null;
            var foundPatch = patch.TryGetPropertyValue(key, out var patchNode) && patchNode is not null;
            if (foundOriginal && originalNode is not JsonArray)
            {
                throw new PatchException($"expected a []interface {{}}, but received a {GoType(originalNode)}");
            }

            if (foundPatch && patchNode is not JsonArray)
            {
                throw new PatchException($"expected a []interface {{}}, but received a {GoType(patchNode)}");
            }

            if (!foundOriginal && !foundPatch)
            {
                continue;
            }

            var field = meta?.Lookup(key);
            var mergeKey = field?.Strategy == "merge" ? field.MergeKey : null;
            var orderItems = order.ToList();
            ValidatePatchWithSetOrderList(foundPatch ? ((JsonArray)patchNode!).ToList() : [], orderItems, mergeKey);

            var originalItems = foundOriginal ? Items((JsonArray)Detach(original, key)!) : [];
            var patchItemsList = foundPatch ? (JsonArray)Detach(patch, key)! : null;
            patch.Remove(key);
            List<JsonNode?> merged = patchItemsList is null
                ? originalItems
                : Items(MergeSliceHandler(new JsonArray([.. originalItems]), patchItemsList, field, isDeleteList: false));
            var serverOrder = originalItems;
            order.Clear();
            if (merged.Count == 0)
            {
                original[key] = new JsonArray();
                continue;
            }

            var isMap = merged.Any(n => n is JsonObject);
            var effectiveKey = isMap ? mergeKey ?? string.Empty : null;
            var orderKeys = Keys(orderItems, effectiveKey);
            var (inPatch, serverOnly) = Partition(merged, orderKeys, effectiveKey);
            original[key] = new JsonArray([.. NormalizeElementOrder(inPatch, serverOnly, orderKeys, serverOrder, effectiveKey)]);
        }
    }

    private static void ValidatePatchWithSetOrderList(List<JsonNode?> patchList, List<JsonNode?> setOrderList, string? mergeKey)
    {
        if (patchList.Count == 0 || setOrderList.Count == 0)
        {
            return;
        }

        var nonDelete = mergeKey is null ? patchList : patchList.Where(n => Text((n as JsonObject)?[DirectiveMarker]) != "delete").ToList();
        int patchIndex = 0, setOrderIndex = 0;
        while (patchIndex < nonDelete.Count && setOrderIndex < setOrderList.Count)
        {
            if (nonDelete[patchIndex] is JsonObject o && o.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }

            if (MergeKeyValueEqual(nonDelete[patchIndex], setOrderList[setOrderIndex], mergeKey))
            {
                patchIndex++;
            }

            setOrderIndex++;
        }

        if (patchIndex < nonDelete.Count && setOrderIndex >= setOrderList.Count)
        {
            throw new PatchException(
                $"The order in patch list:\n{GoValue.Format(new JsonArray([.. patchList.Select(n => n?.DeepClone())]))}\n doesn't match $setElementOrder list:\n"
                + $"{GoValue.Format(new JsonArray([.. setOrderList.Select(n => n?.DeepClone())]))}\n");
        }
    }

    private static bool MergeKeyValueEqual(JsonNode? left, JsonNode? right, string? mergeKey)
    {
        if (mergeKey is null)
        {
            return Identity(left) == Identity(right);
        }

        var l = left as JsonObject ?? throw new PatchException($"expected a map[string]interface {{}}, but received a {GoType(left)}");
        var r = right as JsonObject ?? throw new PatchException($"expected a map[string]interface {{}}, but received a {GoType(right)}");
        if (!l.TryGetPropertyValue(mergeKey, out var lv))
        {
            throw NoMergeKey(l, mergeKey);
        }

        if (!r.TryGetPropertyValue(mergeKey, out var rv))
        {
            throw NoMergeKey(r, mergeKey);
        }

        return Identity(lv) == Identity(rv);
    }

    private static JsonArray MergeSliceHandler(JsonArray original, JsonArray patch, PatchField? field, bool isDeleteList)
    {
        if (field?.Strategy == "merge")
        {
            return new JsonArray([.. MergeSlice(Items(original), Items(patch), field.MergeKey, field.Child, isDeleteList)]);
        }

        return (JsonArray)Fresh(patch, field)!;
    }

    private static List<JsonNode?> MergeSlice(List<JsonNode?> original, List<JsonNode?> patch, string? mergeKey, PatchMeta? elementMeta, bool isDeleteList)
    {
        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }

        var isMap = ElementKindIsMap(original, patch);
        List<JsonNode?> merged;
        if (!isMap)
        {
            if (isDeleteList)
            {
                var toDelete = patch.Select(Identity).ToHashSet(StringComparer.Ordinal);
                return original.Where(n => !toDelete.Contains(Identity(n))).ToList();
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            merged = [];
            foreach (var item in original.Concat(patch))
            {
                if (seen.Add(Identity(item)))
                {
                    merged.Add(item);
                }
            }

            mergeKey = null;
        }
        else
        {
            if (string.IsNullOrEmpty(mergeKey))
            {
                throw new PatchException("cannot merge lists without merge key for type struct");
            }

            (original, patch) = MergeSliceWithSpecialElements(original, patch, mergeKey);
            var patchKeys = Keys(patch, mergeKey);
            merged = MergeSliceWithoutSpecialElements(original, patch, mergeKey, elementMeta);
            var (inMapPatch, serverOnlyMaps) = Partition(merged, patchKeys, mergeKey);
            return NormalizeElementOrder(inMapPatch, serverOnlyMaps, patchKeys, original, mergeKey);
        }

        var keys = Keys(patch, mergeKey);
        var (inPatch, serverOnly) = Partition(merged, keys, mergeKey);
        return NormalizeElementOrder(inPatch, serverOnly, keys, original, mergeKey);
    }

    private static (List<JsonNode?> Original, List<JsonNode?> Patch) MergeSliceWithSpecialElements(
        List<JsonNode?> original, List<JsonNode?> patch, string mergeKey)
    {
        var withoutSpecial = new List<JsonNode?>(patch.Count);
        var replace = false;
        HashSet<string>? deleted = null;
        foreach (var item in patch)
        {
            var element = (JsonObject)item!;
            if (!element.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                withoutSpecial.Add(item);
                continue;
            }

            switch (Text(directive))
            {
                case "delete":
                    if (!element.TryGetPropertyValue(mergeKey, out var keyValue))
                    {
                        throw NoMergeKey(element, mergeKey);
                    }

                    (deleted ??= new HashSet<string>(StringComparer.Ordinal)).Add(Identity(keyValue));
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw new PatchException("merging lists cannot yet be specified in the patch");
                default:
                    throw new PatchException($"unknown patch type: {GoValue.Format(directive)} in map: {GoValue.Format(element)}");
            }
        }

        if (deleted is not null)
        {
            original = original.Where(n => !(n is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v) && deleted.Contains(Identity(v)))).ToList();
        }

        return replace ? (withoutSpecial, []) : (original, withoutSpecial);
    }

    private static List<JsonNode?> MergeSliceWithoutSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, PatchMeta? elementMeta)
    {
        var merged = new List<JsonNode?>(original);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < merged.Count; i++)
        {
            if (merged[i] is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v))
            {
                index.TryAdd(Identity(v), i);
            }
            else if (merged[i] is not JsonObject)
            {
                throw new PatchException($"value for key {i} is not a map.");
            }
        }

        foreach (var item in patch)
        {
            var element = (JsonObject)item!;
            if (!element.TryGetPropertyValue(mergeKey, out var keyValue))
            {
                throw NoMergeKey(element, mergeKey);
            }

            var id = Identity(keyValue);
            if (index.TryGetValue(id, out var at))
            {
                var target = (JsonObject)merged[at]!;
                merged[at] = MergeMap(target, element, elementMeta);
            }
            else
            {
                index[id] = merged.Count;
                merged.Add(Fresh(element, new PatchField(null, null, false, elementMeta)));
            }
        }

        return merged;
    }

    // Merge-key (or scalar) identities of a list, computed before merging consumes the patch elements.
    private static List<string?> Keys(List<JsonNode?> items, string? mergeKey) => items.Select(i => OrderKey(i, mergeKey)).ToList();

    private static (List<JsonNode?> InPatch, List<JsonNode?> ServerOnly) Partition(List<JsonNode?> merged, List<string?> partitionBy, string? mergeKey)
    {
        var present = new HashSet<string>(partitionBy.OfType<string>(), StringComparer.Ordinal);

        var inPatch = new List<JsonNode?>();
        var serverOnly = new List<JsonNode?>();
        foreach (var item in merged)
        {
            if (mergeKey is not null && (item is not JsonObject o || !o.ContainsKey(mergeKey)))
            {
                throw item is JsonObject obj ? NoMergeKey(obj, mergeKey) : new PatchException($"expected a map[string]interface {{}}, but received a {GoType(item)}");
            }

            (OrderKey(item, mergeKey) is { } key && present.Contains(key) ? inPatch : serverOnly).Add(item);
        }

        return (inPatch, serverOnly);
    }

    // normalizeElementOrder: patch items keep the patch's order, server-only items keep the live order, and the
    // two are interleaved using the live order where both are known (new items go first, as kube does).
    private static List<JsonNode?> NormalizeElementOrder(
        List<JsonNode?> inPatch, List<JsonNode?> serverOnly, List<string?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey)
    {
        var patchIndex = IndexOf(patchOrder);
        var serverIndex = IndexOf(Keys(serverOrder, mergeKey));
        var right = SortBy(inPatch, patchIndex, mergeKey);
        var left = SortBy(serverOnly, serverIndex, mergeKey);

        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (i >= left.Count)
            {
                result.Add(right[j++]);
            }
            else if (j >= right.Count)
            {
                result.Add(left[i++]);
            }
            else
            {
                var li = Position(serverIndex, left[i], mergeKey);
                var ri = Position(serverIndex, right[j], mergeKey);
                if (li >= 0 && ri >= 0 && li < ri)
                {
                    result.Add(left[i++]);
                }
                else
                {
                    result.Add(right[j++]);
                }
            }
        }

        return result;
    }

    private static List<JsonNode?> SortBy(List<JsonNode?> items, Dictionary<string, int> order, string? mergeKey)
    {
        // Deletion markers sort last (extractToDeleteItems), the rest stably by their position in the order list.
        var keyed = items.Select((item, n) => (item, n, pos: IsDeleteMarker(item) ? int.MaxValue : Position(order, item, mergeKey) is var p && p >= 0 ? p : int.MaxValue - 1)).ToList();
        keyed.Sort((a, b) => a.pos != b.pos ? a.pos.CompareTo(b.pos) : a.n.CompareTo(b.n));
        return keyed.Select(k => k.item).ToList();
    }

    private static bool IsDeleteMarker(JsonNode? item) => item is JsonObject o && Text(o[DirectiveMarker]) == "delete";

    private static Dictionary<string, int> IndexOf(List<string?> keys)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is { } k)
            {
                index.TryAdd(k, i);
            }
        }

        return index;
    }

    private static int Position(Dictionary<string, int> index, JsonNode? item, string? mergeKey) =>
        OrderKey(item, mergeKey) is { } k && index.TryGetValue(k, out var i) ? i : -1;

    private static string? OrderKey(JsonNode? item, string? mergeKey)
    {
        if (mergeKey is null)
        {
            return Identity(item);
        }

        return item is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v) ? Identity(v) : null;
    }

    private static bool ElementKindIsMap(List<JsonNode?> original, List<JsonNode?> patch)
    {
        string? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var k = item switch
            {
                JsonObject => "map",
                JsonArray => throw new PatchException("lists of lists are not supported", 422),
                JsonValue v => v.GetValueKind() switch
                {
                    JsonValueKind.String => "string",
                    JsonValueKind.Number => "number",
                    _ => "bool",
                },
                _ => null,
            };
            if (k is null)
            {
                continue;
            }

            if (kind is not null && kind != k)
            {
                throw new PatchException(
                    $"list element types are not identical: [{GoValue.Format(new JsonArray([.. original.Select(n => n?.DeepClone())]))} "
                    + $"{GoValue.Format(new JsonArray([.. patch.Select(n => n?.DeepClone())]))}]");
            }

            kind = k;
        }

        return kind == "map";
    }

    /// <summary>A patch value placed where the original has nothing: directives processed, nulls discarded.</summary>
    private static JsonNode? Fresh(JsonNode? value, PatchField? field) => value switch
    {
        JsonObject o => MergeMap([], o, field?.Child),
        JsonArray a when field?.Strategy == "merge" => new JsonArray([.. MergeSlice([], Items(a), field.MergeKey, field.Child, isDeleteList: false)]),
        JsonArray a => new JsonArray([.. Items(a).Select(n => n is JsonObject o ? MergeMap([], o, field?.Child) : n)]),
        _ => value,
    };

    private static PatchException NoMergeKey(JsonObject map, string mergeKey) =>
        new($"map: {GoValue.Format(map)} does not contain declared merge key: {mergeKey}");

    // Detaches an array's items so they can be re-parented without copying.
    private static List<JsonNode?> Items(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    private static JsonNode? Detach(JsonObject obj, string key)
    {
        obj.Remove(key, out var value);
        return value;
    }

    // Equality key of a scalar (or any node) the way Go compares interface values: type and value.
    private static string Identity(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string GoType(JsonNode? node) => node switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "float64",
            _ => "bool",
        },
        _ => "<nil>",
    };

    private static string GoJsonType(JsonNode? node) => node switch
    {
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        },
        _ => "null",
    };
}
