/// The Pareto front of (cost, accuracy) points: those no other point beats on both, where lower
/// cost and higher accuracy are better.
public enum Pareto {
    /// Indices of the front, by increasing cost. Of identical points only the first is kept.
    public static func front(_ points: [(cost: Double, accuracy: Double)]) -> [Int] {
        var front = [Int]()
        for (i, p) in points.enumerated() {
            let dominated = points.enumerated().contains { j, q in
                guard j != i else { return false }
                if q.cost == p.cost && q.accuracy == p.accuracy { return j < i }
                return q.cost <= p.cost && q.accuracy >= p.accuracy
            }
            if !dominated { front.append(i) }
        }
        return front.sorted { (points[$0].cost, -points[$0].accuracy) < (points[$1].cost, -points[$1].accuracy) }
    }
}
