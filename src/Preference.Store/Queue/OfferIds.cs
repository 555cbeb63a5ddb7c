using System.Security.Cryptography;
using System.Text;

namespace Preference.Store.Queue;

/// <summary>
/// The ids an annotator sees for the responses of a task. Stored completion ids sort in import order
/// (<see cref="Documents.SortableId"/>, which the queue's read-ahead needs), and datasets usually list the preferred
/// answer first, so showing them would tell an annotator which answer was "chosen" despite the shuffle. Each offer
/// shows instead a keyed hash (HMAC-SHA256 with the store's secret) of its assignment and the completion: stable
/// across reloads and restarts, different for every annotator and task, and unrelated to creation order.
/// </summary>
internal sealed class OfferIds(byte[] key)
{
    public string For(string assignmentId, string completionId)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{assignmentId}\n{completionId}"));
        return "r" + Convert.ToHexStringLower(mac, 0, 8);
    }

    /// <summary>Shown id to stored id for one assignment's responses.</summary>
    public Dictionary<string, string> Map(string assignmentId, IEnumerable<string> completionIds) =>
        completionIds.ToDictionary(id => For(assignmentId, id), id => id);
}
