// The race as a picture: each candidate's dev agreement round by round, with its interval,
// ending where it was dropped.
import Foundation

extension SVGChart {
    /// One line per candidate through its dev agreement after each round it raced in (x: dev
    /// items judged), each point with Wilson's 95% interval; a cross where it was dropped. The
    /// winner is drawn in colour and named, the other finalists in a second colour, the rest in grey.
    static func race(_ s: OptimizeSummary, caption: String) -> String? {
        let rounds = s.rounds.filter { !($0.standings ?? []).isEmpty }
        guard !rounds.isEmpty else { return nil }
        let width = 360.0, height = 280.0, left = 52.0, bottom = 44.0, top = 30.0, right = 16.0
        var lines: [String: [(x: Double, y: Double, lo: Double, hi: Double)]] = [:]
        var order: [String] = []
        for round in rounds {
            for standing in round.standings ?? [] where standing.items > 0 {
                if lines[standing.name] == nil { order.append(standing.name) }
                let (lo, hi) = CriticComparison.wilson(standing.agreements, standing.items)!
                lines[standing.name, default: []].append((Double(standing.items), Double(standing.agreements) / Double(standing.items), lo, hi))
            }
        }
        let xMax = Double(rounds.map(\.items).max() ?? 1)
        let ys = lines.values.flatMap { $0.flatMap { [$0.lo, $0.hi] } }
        let yMin = max(0, ((ys.min() ?? 0) * 10).rounded(.down) / 10), yMax = min(1, ((ys.max() ?? 1) * 10).rounded(.up) / 10)
        let plotWidth = width - left - right
        // Candidates side by side within a round, so that their intervals do not hide each other.
        let spread = min(14.0, plotWidth / Double(max(rounds.count, 1)) * 0.5)
        func px(_ x: Double, _ index: Int) -> Double {
            let offset = order.count > 1 ? (Double(index) / Double(order.count - 1) - 0.5) * spread : 0
            return left + 10 + x / max(xMax, 1) * (plotWidth - 20) + offset
        }
        func py(_ y: Double) -> Double { height - bottom - (y - yMin) / max(yMax - yMin, 1e-9) * (height - bottom - top) }
        let dropped = Dictionary(s.candidateRows.compactMap { row in row.droppedIn.map { (row.name, $0) } }, uniquingKeysWith: { a, _ in a })
        func colour(_ name: String) -> String {
            name == s.winner ? palette[0] : s.finalists.contains(name) ? palette[1] : "#9a9a9a"
        }
        var svg = open(width, height, caption)
        svg += axis(left: left, bottom: height - bottom, right: width - right, top: top)
        // Gridlines at round percentages: every 10 points, or 20 over a wide range.
        let step = yMax - yMin > 0.5 ? 0.2 : 0.1
        for y in stride(from: yMin, through: yMax + 1e-9, by: step) {
            svg += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(py(y)))\" y2=\"\(fmt(py(y)))\" stroke=\"#eee\"/>"
            svg += text(left - 6, py(y) + 4, String(format: "%.0f%%", y * 100), anchor: "end")
        }
        for round in rounds {
            svg += text(px(Double(round.items), order.count / 2), height - bottom + 16, "\(round.items)", anchor: "middle")
        }
        svg += text((left + width) / 2, height - 8, "dev items judged (one tick a round)", anchor: "middle")
        svg += "<text x=\"12\" y=\"\(fmt((height - bottom + top) / 2))\" transform=\"rotate(-90 12 \(fmt((height - bottom + top) / 2)))\" text-anchor=\"middle\" class=\"svg-label\">dev agreement</text>"
        // Grey lines first, then the finalists, the winner last: on top.
        let drawOrder = order.enumerated().sorted { a, b in
            func rank(_ n: String) -> Int { n == s.winner ? 2 : s.finalists.contains(n) ? 1 : 0 }
            return rank(a.element) != rank(b.element) ? rank(a.element) < rank(b.element) : a.offset < b.offset
        }
        for (index, name) in drawOrder {
            let points = lines[name]!
            let color = colour(name), strong = name == s.winner
            let fate = name == s.winner ? "winner" : s.finalists.contains(name) ? "finalist" : dropped[name].map { "dropped in round \($0)" } ?? "survived"
            svg += "<g class=\"race-line\"><title>\(HTML.escape("\(name): \(fate)"))</title>"
            let path = points.map { "\(fmt(px($0.x, index))),\(fmt(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(strong ? 2.5 : 1.2)\" stroke-opacity=\"\(strong ? 1 : 0.8)\"/>"
            for point in points {
                let x = fmt(px(point.x, index))
                svg += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(fmt(py(point.lo)))\" y2=\"\(fmt(py(point.hi)))\" stroke=\"\(color)\" stroke-opacity=\"0.45\"/>"
                svg += "<circle cx=\"\(x)\" cy=\"\(fmt(py(point.y)))\" r=\"\(strong ? 3.5 : 2.5)\" fill=\"\(color)\"><title>\(HTML.escape("\(name): \(HTML.pct(point.y)) on \(Int(point.x)) dev items (95% CI \(HTML.pct(point.lo)) to \(HTML.pct(point.hi)))"))</title></circle>"
            }
            if dropped[name] != nil, let last = points.last {
                let (x, y) = (px(last.x, index), py(last.y))
                svg += "<path d=\"M\(fmt(x - 4)),\(fmt(y - 4))L\(fmt(x + 4)),\(fmt(y + 4))M\(fmt(x - 4)),\(fmt(y + 4))L\(fmt(x + 4)),\(fmt(y - 4))\" stroke=\"#a8434b\" stroke-width=\"2\"/>"
            }
            svg += "</g>"
        }
        // The key.
        var cursor = left
        for (label, color) in [("winner", palette[0]), ("finalist", palette[1]), ("other", "#9a9a9a")] {
            svg += "<rect x=\"\(fmt(cursor))\" y=\"\(fmt(top - 20))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg += text(cursor + 14, top - 11, label, anchor: "start")
            cursor += 24 + Double(label.count) * 7
        }
        svg += "<path d=\"M\(fmt(cursor + 1)),\(fmt(top - 19))L\(fmt(cursor + 9)),\(fmt(top - 11))M\(fmt(cursor + 1)),\(fmt(top - 11))L\(fmt(cursor + 9)),\(fmt(top - 19))\" stroke=\"#a8434b\" stroke-width=\"2\"/>"
        svg += text(cursor + 14, top - 11, "dropped", anchor: "start")
        return svg + "</svg>"
    }
}
