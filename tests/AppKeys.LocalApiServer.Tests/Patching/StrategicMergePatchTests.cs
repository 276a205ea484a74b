using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Patching;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Patching;

public class StrategicMergePatchTests
{
    private static ApiResourceInfo ResourceFor(string kind) => kind switch
    {
        "Pod" => Pod,
        "Deployment" => Deployment,
        "Service" => BuiltIn("", "v1", "Service"),
        "ConfigMap" => BuiltIn("", "v1", "ConfigMap"),
        "Secret" => BuiltIn("", "v1", "Secret"),
        "ServiceAccount" => BuiltIn("", "v1", "ServiceAccount"),
        "ApplicationKey" => ApplicationKey(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // Expected results follow apimachinery strategicpatch (StrategicMergeMapPatch with MergeParallelList and
    // IgnoreUnmatchedNulls): new list elements go first, server-only elements keep their relative order.
    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        { "map keys merge", "ConfigMap", """{"data":{"a":"1","b":"2"}}""", """{"data":{"b":"3","c":"4"}}""", """{"data":{"a":"1","b":"3","c":"4"}}""" },
        { "null deletes a key", "ConfigMap", """{"data":{"a":"1","b":"2"}}""", """{"data":{"b":null}}""", """{"data":{"a":"1"}}""" },
        { "null on a missing key is ignored", "ConfigMap", """{"data":{"a":"1"}}""", """{"data":{"z":null},"y":null}""", """{"data":{"a":"1"}}""" },
        { "nulls inside a new value are discarded", "ConfigMap", """{}""", """{"data":{"x":null,"y":"1"}}""", """{"data":{"y":"1"}}""" },
        { "scalar replaced by map", "ConfigMap", """{"data":"x"}""", """{"data":{"a":"1"}}""", """{"data":{"a":"1"}}""" },
        { "$patch replace on a map", "ConfigMap", """{"metadata":{"labels":{"a":"1","b":"2"}}}""", """{"metadata":{"labels":{"$patch":"replace","c":"3"}}}""", """{"metadata":{"labels":{"c":"3"}}}""" },
        { "$patch delete on a map", "ConfigMap", """{"metadata":{"name":"x","labels":{"a":"1"}}}""", """{"metadata":{"labels":{"$patch":"delete"}}}""", """{"metadata":{"name":"x","labels":{}}}""" },
        { "containers merge by name", "Pod", """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""", """{"spec":{"containers":[{"name":"b","image":"z"}]}}""", """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"}]}}""" },
        { "new container goes first", "Pod", """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""", """{"spec":{"containers":[{"name":"c","image":"w"}]}}""", """{"spec":{"containers":[{"name":"c","image":"w"},{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""" },
        { "patched and new containers keep patch order", "Pod", """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", """{"spec":{"containers":[{"name":"b","image":"1"},{"name":"c"}]}}""", """{"spec":{"containers":[{"name":"a"},{"name":"b","image":"1"},{"name":"c"}]}}""" },
        { "$patch delete removes a container", "Pod", """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""", """{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}""", """{"spec":{"containers":[{"name":"b","image":"y"}]}}""" },
        { "$patch replace on a merging list", "Pod", """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""", """{"spec":{"containers":[{"name":"c","image":"w"},{"$patch":"replace"}]}}""", """{"spec":{"containers":[{"name":"c","image":"w"}]}}""" },
        { "env merges by name inside a container", "Pod", """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}""", """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"3"}]}]}}""", """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"3"}]}]}}""" },
        { "env value deleted with null", "Pod", """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"}]}]}}""", """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":null}]}]}}""", """{"spec":{"containers":[{"name":"a","env":[{"name":"X"}]}]}}""" },
        { "ports merge by containerPort", "Pod", """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}}""", """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]}]}}""", """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}]}]}}""" },
        { "volumeMounts merge by mountPath", "Pod", """{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"v1"}]}]}}""", """{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","readOnly":true}]}]}}""", """{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"v1","readOnly":true}]}]}}""" },
        { "args are atomic", "Pod", """{"spec":{"containers":[{"name":"a","args":["x","y"]}]}}""", """{"spec":{"containers":[{"name":"a","args":["z"]}]}}""", """{"spec":{"containers":[{"name":"a","args":["z"]}]}}""" },
        { "tolerations are atomic", "Pod", """{"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}""", """{"spec":{"tolerations":[{"key":"c"}]}}""", """{"spec":{"tolerations":[{"key":"c"}]}}""" },
        { "volumes merge by name", "Pod", """{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"w","secret":{"secretName":"s"}}]}}""", """{"spec":{"volumes":[{"name":"w","secret":{"secretName":"t"}}]}}""", """{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"w","secret":{"secretName":"t"}}]}}""" },
        { "volume $retainKeys switches source", "Pod", """{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}""", """{"spec":{"volumes":[{"name":"v","$retainKeys":["name","secret"],"secret":{"secretName":"s"}}]}}""", """{"spec":{"volumes":[{"name":"v","secret":{"secretName":"s"}}]}}""" },
        { "imagePullSecrets merge by name", "Pod", """{"spec":{"imagePullSecrets":[{"name":"a"}]}}""", """{"spec":{"imagePullSecrets":[{"name":"b"}]}}""", """{"spec":{"imagePullSecrets":[{"name":"b"},{"name":"a"}]}}""" },
        { "initContainers merge by name", "Pod", """{"spec":{"initContainers":[{"name":"i","image":"1"}]}}""", """{"spec":{"initContainers":[{"name":"i","image":"2"}]}}""", """{"spec":{"initContainers":[{"name":"i","image":"2"}]}}""" },
        { "pod conditions merge by type", "Pod", """{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Initialized","status":"True"}]}}""", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", """{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]}}""" },
        { "finalizers merge as a set, new first", "ConfigMap", """{"metadata":{"finalizers":["a","b"]}}""", """{"metadata":{"finalizers":["c"]}}""", """{"metadata":{"finalizers":["c","a","b"]}}""" },
        { "finalizers duplicates collapse", "ConfigMap", """{"metadata":{"finalizers":["a","b"]}}""", """{"metadata":{"finalizers":["b","c"]}}""", """{"metadata":{"finalizers":["a","b","c"]}}""" },
        { "$deleteFromPrimitiveList removes finalizers", "ConfigMap", """{"metadata":{"finalizers":["a","b","c"]}}""", """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}""", """{"metadata":{"finalizers":["a","c"]}}""" },
        { "$deleteFromPrimitiveList with parallel additions", "ConfigMap", """{"metadata":{"finalizers":["a","b"]}}""", """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"]}}""", """{"metadata":{"finalizers":["c","b"]}}""" },
        { "$deleteFromPrimitiveList on a missing list is a no-op", "ConfigMap", """{"metadata":{"name":"x"}}""", """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""", """{"metadata":{"name":"x"}}""" },
        { "$setElementOrder reorders finalizers", "ConfigMap", """{"metadata":{"finalizers":["a","b"]}}""", """{"metadata":{"$setElementOrder/finalizers":["b","a"]}}""", """{"metadata":{"finalizers":["b","a"]}}""" },
        { "$setElementOrder places a new container", "Pod", """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", """{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"c"},{"name":"a"}],"containers":[{"name":"c","image":"w"}]}}""", """{"spec":{"containers":[{"name":"b"},{"name":"c","image":"w"},{"name":"a"}]}}""" },
        { "$setElementOrder keeps server-only items in live order", "Pod", """{"spec":{"containers":[{"name":"a"},{"name":"s"},{"name":"b"}]}}""", """{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}}""", """{"spec":{"containers":[{"name":"s"},{"name":"b"},{"name":"a"}]}}""" },
        { "ownerReferences merge by uid", "ConfigMap", """{"metadata":{"ownerReferences":[{"uid":"1","name":"a","kind":"K","apiVersion":"v1"}]}}""", """{"metadata":{"ownerReferences":[{"uid":"2","name":"b","kind":"K","apiVersion":"v1"}]}}""", """{"metadata":{"ownerReferences":[{"uid":"2","name":"b","kind":"K","apiVersion":"v1"},{"uid":"1","name":"a","kind":"K","apiVersion":"v1"}]}}""" },
        { "ownerReference deleted by uid", "ConfigMap", """{"metadata":{"ownerReferences":[{"uid":"1","name":"a"},{"uid":"2","name":"b"}]}}""", """{"metadata":{"ownerReferences":[{"uid":"1","$patch":"delete"}]}}""", """{"metadata":{"ownerReferences":[{"uid":"2","name":"b"}]}}""" },
        { "deployment template containers merge", "Deployment", """{"spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"1"}]}}}}""", """{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"c","image":"2"}]}}}}""", """{"spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"2"}]}}}}""" },
        { "deployment strategy $retainKeys", "Deployment", """{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""", """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""", """{"spec":{"strategy":{"type":"Recreate"}}}""" },
        { "deployment conditions merge by type", "Deployment", """{"status":{"conditions":[{"type":"Available","status":"False"}]}}""", """{"status":{"conditions":[{"type":"Progressing","status":"True"}]}}""", """{"status":{"conditions":[{"type":"Progressing","status":"True"},{"type":"Available","status":"False"}]}}""" },
        { "service ports merge by port", "Service", """{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}""", """{"spec":{"ports":[{"port":80,"targetPort":9090}]}}""", """{"spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}}""" },
        { "serviceaccount secrets merge by name", "ServiceAccount", """{"secrets":[{"name":"a"}]}""", """{"secrets":[{"name":"b"}]}""", """{"secrets":[{"name":"b"},{"name":"a"}]}""" },
        { "secret data merges", "Secret", """{"type":"Opaque","data":{"a":"MQ=="}}""", """{"data":{"b":"Mg=="},"stringData":{"c":"3"}}""", """{"type":"Opaque","data":{"a":"MQ==","b":"Mg=="},"stringData":{"c":"3"}}""" },
        { "custom resource lists are replaced", "ApplicationKey", """{"spec":{"scopes":["a","b"]},"metadata":{"finalizers":["x"]}}""", """{"spec":{"scopes":["c"]},"metadata":{"finalizers":["y"]}}""", """{"spec":{"scopes":["c"]},"metadata":{"finalizers":["y","x"]}}""" },
        { "new merging list under a missing key drops directives", "Pod", """{"spec":{}}""", """{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"E","value":null}]}]}}""", """{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"E"}]}]}}""" },
        { "empty patch is identity", "Pod", """{"spec":{"containers":[{"name":"a"}]}}""", """{}""", """{"spec":{"containers":[{"name":"a"}]}}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_like_kube(string name, string kind, string original, string patch, string expected)
    {
        Assert.NotEmpty(name);
        var o = Json(original);
        var p = Json(patch);
        var (beforeO, beforeP) = (o.ToJsonString(), p.ToJsonString());
        var result = StrategicMergePatch.Apply(o, p, ResourceFor(kind));
        AssertJsonEqual(expected, result);
        Assert.Equal(beforeO, o.ToJsonString());
        Assert.Equal(beforeP, p.ToJsonString());
    }

    public static TheoryData<string, string, string, int> Errors => new()
    {
        { """{"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}}""", """{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", "map: map[image:x] does not contain declared merge key: name", 422 },
        { """{"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}}""", """{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"merge"}]}}}}""", "merging lists cannot yet be specified in the patch", 422 },
        { """{"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}}""", """{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"explode"}]}}}}""", "unknown patch type: explode in map: map[$patch:explode name:a]", 422 },
        { """{"metadata":{"labels":{}}}""", """{"metadata":{"labels":{"$patch":"foo"}}}""", "unknown patch type: foo in map: map[$patch:foo]", 422 },
        { """{"spec":{"strategy":{"type":"Recreate"}}}""", """{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}""", "invalid patch format of retainKeys", 400 },
        { """{"spec":{"strategy":{}}}""", """{"spec":{"strategy":{"$retainKeys":"type"}}}""", "invalid patch format of retainKeys", 400 },
        { """{"metadata":{"finalizers":[["a"]]}}""", """{"metadata":{"finalizers":[["b"]]}}""", "lists of lists are not supported", 422 },
        { """{"metadata":{"finalizers":["a"]}}""", """{"metadata":{"finalizers":[1]}}""", "list element types are not identical: [[a] [1]]", 422 },
        { """{"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}}""", """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"}],"containers":[{"name":"a"},{"name":"b"}]}}}}""", "The order in patch list:\n[map[name:a] map[name:b]]\n doesn't match $setElementOrder list:\n[map[name:b]]\n", 422 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Rejects_like_kube(string original, string patch, string message, int status)
    {
        var ex = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(Json(original), Json(patch), Deployment));
        Assert.Equal(message, ex.Message);
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public void A_patch_that_is_not_an_object_is_400()
    {
        var ex = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(Json("{}"), Json("[1]"), Pod));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("json: cannot unmarshal array into Go value of type map[string]interface {}", ex.Message);
    }

    [Fact]
    public void Large_lists_merge_in_linear_time_shape()
    {
        // 20k containers: a quadratic merge would take minutes; this must finish promptly and keep every element.
        var original = new System.Text.Json.Nodes.JsonArray();
        var patch = new System.Text.Json.Nodes.JsonArray();
        for (var i = 0; i < 20000; i++)
        {
            original.Add(new System.Text.Json.Nodes.JsonObject { ["name"] = $"c{i}", ["image"] = "old" });
            if (i % 2 == 0)
            {
                patch.Add(new System.Text.Json.Nodes.JsonObject { ["name"] = $"c{i}", ["image"] = "new" });
            }
        }

        var result = StrategicMergePatch.Apply(
            new System.Text.Json.Nodes.JsonObject { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["containers"] = original } },
            new System.Text.Json.Nodes.JsonObject { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["containers"] = patch } },
            Pod);
        var containers = result["spec"]!["containers"]!.AsArray();
        Assert.Equal(20000, containers.Count);
        Assert.Equal("new", (string?)containers[0]!["image"]);
        Assert.Equal("old", (string?)containers[1]!["image"]);
        Assert.Equal("c19999", (string?)containers[19999]!["name"]);
    }
}
