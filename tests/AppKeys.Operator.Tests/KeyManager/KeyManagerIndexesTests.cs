using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;
using k8s.Models;

namespace AppKeys.Operator.Tests.KeyManager;

public sealed class KeyManagerIndexesTests
{
    public static TheoryData<string, string?, bool, string[]> LiveKeys => new()
    {
        { "a live key is indexed by its uid", "uid-1", false, ["uid-1"] },
        { "a key being deleted is not (its tokens are withdrawn at once)", "uid-1", true, [] },
        { "a key without a uid (not from the API server) is not", null, false, [] },
        { "nor with an empty one", "", false, [] },
    };

    [Theory]
    [MemberData(nameof(LiveKeys))]
    public void Live_key_uids(string name, string? uid, bool deleting, string[] expected)
    {
        var key = new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = "k", NamespaceProperty = "shop", Uid = uid, DeletionTimestamp = deleting ? DateTime.UtcNow : null },
        };
        Assert.True(expected.SequenceEqual(KeyManagerIndexes.LiveKeyUids(key)), name);
    }
}
