// Inline SVG charts for the HTML report: no script, no external file, readable when printed.
import Foundation

/// Small, dependency-free SVG charts. Every label is escaped. Each is at most 360 units wide and
/// drawn at its own size (`width` in pixels, shrunk only by a narrower box), so that its 12-unit
/// text reads at 11 px or more on a phone and at 12 px on a desktop.
enum SVGChart {
    static let palette = ["#3566a8", "#d0782a", "#4a9a5b", "#a8434b", "#7a5aa6", "#6b6b6b"]

    /// Grouped vertical bars: one group per category, one bar per series.
    static func bars(categories: [String], series: [(name: String, values: [Double])], valueLabel: (Double) -> String,
                     caption: String) -> String {
        let width = 360.0, height = 220.0, left = 46.0, bottom = 36.0, top = 26.0
        let maxValue = max(series.flatMap(\.values).max() ?? 0, 1e-9)
        let groupWidth = (width - left - 10) / Double(max(categories.count, 1))
        let barWidth = groupWidth * 0.8 / Double(max(series.count, 1))
        var svg = open(width, height, caption)
        svg += axis(left: left, bottom: height - bottom, right: width - 10, top: top)
        for (c, category) in categories.enumerated() {
            let x0 = left + Double(c) * groupWidth + groupWidth * 0.1
            for (s, item) in series.enumerated() {
                let value = c < item.values.count ? item.values[c] : 0
                let h = (height - bottom - top) * value / maxValue
                let x = x0 + Double(s) * barWidth
                svg += rect(x, height - bottom - h, barWidth - 1, h, palette[s % palette.count], title: "\(item.name), \(category): \(valueLabel(value))")
            }
            svg += text(x0 + groupWidth * 0.4, height - bottom + 16, category, anchor: "middle")
        }
        // The value axis: its top and middle.
        for share in [0.5, 1.0] {
            svg += text(left - 4, height - bottom - (height - bottom - top) * share + 4, valueLabel(maxValue * share), anchor: "end")
        }
        svg += legend(series.map(\.name), y: 14, x: left)
        return svg + "</svg>"
    }

    /// Points with vertical interval whiskers; highlighted points are drawn larger.
    static func scatter(points: [(label: String, x: Double, y: Double, lo: Double?, hi: Double?, highlight: Bool)],
                        xLabel: String, yLabel: String, xFormat: (Double) -> String, caption: String) -> String {
        let width = 360.0, height = 260.0, left = 46.0, bottom = 44.0, top = 16.0, right = 16.0
        let xs = points.map(\.x), ys = points.flatMap { [$0.y, $0.lo ?? $0.y, $0.hi ?? $0.y] }
        let xMin = min(xs.min() ?? 0, 0), xMax = max(xs.max() ?? 1, xMin + 1e-9)
        let yMin = max(0, (ys.min() ?? 0) - 0.05), yMax = min(1, (ys.max() ?? 1) + 0.05)
        func px(_ x: Double) -> Double { left + (x - xMin) / max(xMax - xMin, 1e-12) * (width - left - right) * 0.92 + 8 }
        func py(_ y: Double) -> Double { height - bottom - (y - yMin) / max(yMax - yMin, 1e-12) * (height - bottom - top) }
        var svg = open(width, height, caption)
        svg += axis(left: left, bottom: height - bottom, right: width - right, top: top)
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = yMin + (yMax - yMin) * tick
            svg += text(left - 6, py(y) + 4, String(format: "%.0f%%", y * 100), anchor: "end")
        }
        svg += text(px(xMin), height - bottom + 16, xFormat(xMin), anchor: "start")
        svg += text(px(xMax), height - bottom + 16, xFormat(xMax), anchor: "end")
        svg += text((left + width) / 2, height - 8, xLabel, anchor: "middle")
        svg += "<text x=\"14\" y=\"\(fmt(height / 2))\" transform=\"rotate(-90 14 \(fmt(height / 2)))\" text-anchor=\"middle\" class=\"svg-label\">\(HTML.escape(yLabel))</text>"
        for (i, point) in points.enumerated() {
            let color = palette[i % palette.count]
            if let lo = point.lo, let hi = point.hi {
                svg += "<line x1=\"\(fmt(px(point.x)))\" x2=\"\(fmt(px(point.x)))\" y1=\"\(fmt(py(lo)))\" y2=\"\(fmt(py(hi)))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            }
            svg += "<circle cx=\"\(fmt(px(point.x)))\" cy=\"\(fmt(py(point.y)))\" r=\"\(point.highlight ? 6 : 4)\" fill=\"\(color)\"><title>\(HTML.escape("\(point.label): agreement \(HTML.pct(point.y)), \(xLabel) \(xFormat(point.x))"))</title></circle>"
            svg += text(px(point.x) + 8, py(point.y) - 6, "\(i + 1)", anchor: "start")
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one row each, for rates in 0...1.
    static func rows(_ rows: [(label: String, value: Double, note: String)], caption: String) -> String {
        let rowHeight = 22.0, left = 130.0, width = 360.0
        let height = Double(rows.count) * rowHeight + 10
        var svg = open(width, height, caption)
        for (i, row) in rows.enumerated() {
            let y = 5 + Double(i) * rowHeight
            svg += text(left - 6, y + 15, String(row.label.prefix(18)), anchor: "end")
            svg += rect(left, y + 3, (width - left - 110) * row.value, rowHeight - 8, palette[0], title: "\(row.label): \(HTML.pct(row.value)) \(row.note)")
            svg += text(left + (width - left - 110) * row.value + 4, y + 15, "\(HTML.pct(row.value)) \(row.note)", anchor: "start")
        }
        return svg + "</svg>"
    }

    /// A grid of counts, darker for larger ones.
    static func matrix(rows: [String], columns: [String], counts: [[Int]], caption: String) -> String {
        // Narrower cells for many columns: the chart stays within 360 units.
        let left = 76.0, top = 34.0, cell = min(66.0, ((360 - left - 10) / Double(max(columns.count, 1))).rounded(.down))
        let width = left + cell * Double(columns.count) + 10, height = top + cell * Double(rows.count) + 10
        let maxCount = max(counts.flatMap { $0 }.max() ?? 1, 1)
        var svg = open(width, height, caption)
        for (c, column) in columns.enumerated() { svg += text(left + cell * (Double(c) + 0.5), top - 10, column, anchor: "middle") }
        for (r, row) in rows.enumerated() {
            svg += text(left - 8, top + cell * (Double(r) + 0.5) + 4, row, anchor: "end")
            for (c, count) in counts[r].enumerated() {
                let share = Double(count) / Double(maxCount)
                svg += "<rect x=\"\(fmt(left + cell * Double(c)))\" y=\"\(fmt(top + cell * Double(r)))\" width=\"\(fmt(cell - 2))\" height=\"\(fmt(cell - 2))\" fill=\"#3566a8\" fill-opacity=\"\(String(format: "%.2f", 0.08 + 0.85 * share))\"><title>\(HTML.escape("human \(rows[r]), judge \(columns[c]): \(count)"))</title></rect>"
                svg += "<text x=\"\(fmt(left + cell * (Double(c) + 0.5)))\" y=\"\(fmt(top + cell * (Double(r) + 0.5) + 5))\" text-anchor=\"middle\" class=\"\(share > 0.55 ? "svg-on-dark" : "svg-label")\">\(count)</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Agreement per variant, best first, each with its 95% interval: the chart for variants
    /// that cost the same (a scatter against cost would put every point on one line).
    static func dots(_ rows: [(label: String, value: Double, lo: Double?, hi: Double?, highlight: Bool)], caption: String) -> String {
        let rowHeight = 22.0, left = 150.0, right = 56.0, width = 360.0, top = 8.0, bottom = 30.0
        let height = top + Double(rows.count) * rowHeight + bottom
        func px(_ v: Double) -> Double { left + v * (width - left - right) }
        var svg = open(width, height, caption)
        for tick in [0.0, 0.5, 1.0] {
            svg += "<line x1=\"\(fmt(px(tick)))\" x2=\"\(fmt(px(tick)))\" y1=\"\(fmt(top))\" y2=\"\(fmt(height - bottom))\" stroke=\"#ddd\"/>"
            svg += text(px(tick), height - bottom + 16, String(format: "%.0f%%", tick * 100), anchor: "middle")
        }
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight + rowHeight / 2
            let color = palette[i % palette.count]
            let label = row.label.count > 20 ? String(row.label.prefix(19)) + "…" : row.label
            svg += text(left - 10, y + 4, label, anchor: "end")
            if let lo = row.lo, let hi = row.hi {
                svg += "<line x1=\"\(fmt(px(lo)))\" x2=\"\(fmt(px(hi)))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            }
            svg += "<circle cx=\"\(fmt(px(row.value)))\" cy=\"\(fmt(y))\" r=\"\(row.highlight ? 5 : 4)\" fill=\"\(color)\"><title>\(HTML.escape("\(row.label): agreement \(HTML.pct(row.value))" + (row.lo.map { l in row.hi.map { " (95% CI \(HTML.pct(l)) to \(HTML.pct($0)))" } ?? "" } ?? "")))</title></circle>"
            svg += text(width - 4, y + 4, HTML.pct(row.value), anchor: "end")
        }
        return svg + "</svg>"
    }

    static func open(_ width: Double, _ height: Double, _ caption: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" class=\"chart\"><title>\(HTML.escape(caption))</title>"
    }

    static func axis(left: Double, bottom: Double, right: Double, top: Double) -> String {
        "<line x1=\"\(fmt(left))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(right))\" y2=\"\(fmt(bottom))\" stroke=\"#888\"/>"
            + "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(bottom))\" stroke=\"#888\"/>"
    }

    private static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ color: String, title: String) -> String {
        "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(max(w, 0)))\" height=\"\(fmt(max(h, 0)))\" fill=\"\(color)\"><title>\(HTML.escape(title))</title></rect>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" text-anchor=\"\(anchor)\" class=\"svg-label\">\(HTML.escape(content))</text>"
    }

    private static func legend(_ names: [String], y: Double, x: Double) -> String {
        var out = ""
        var cursor = x
        for (i, name) in names.enumerated() {
            out += "<rect x=\"\(fmt(cursor))\" y=\"\(fmt(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>"
            out += text(cursor + 14, y, name, anchor: "start")
            cursor += 24 + Double(name.count) * 7.5
        }
        return out
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
