// The picture of `ops/bench scale`: p99 latency of each single-connection query against the
// number of users, both axes logarithmic, drawn as SVG from the run's CSV (so an earlier run's
// CSV can be drawn again: `idledger-bench scale-chart --csv F --svg G`).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace idledger::bench {

namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else
            out.push_back(c);
    }
    return out;
}

/// A CSV line "users,measure,p50,p99,rate" (the measure may hold commas).
bool parse_line(const std::string& line, double& users, std::string& measure, double& p99) {
    const size_t first = line.find(',');
    size_t last = line.rfind(',');
    if (first == std::string::npos || last == first) return false;
    const size_t p99_at = line.rfind(',', last - 1);
    const size_t p50_at = line.rfind(',', p99_at - 1);
    if (p50_at == std::string::npos || p50_at <= first) return false;
    try {
        users = std::stod(line.substr(0, first));
        p99 = std::stod(line.substr(p99_at + 1, last - p99_at - 1));
    } catch (const std::exception&) {
        return false;
    }
    measure = line.substr(first + 1, p50_at - first - 1);
    return true;
}

}  // namespace

void write_scale_chart(const std::string& csv_path, const std::string& svg_path) {
    std::ifstream in(csv_path);
    if (!in) throw std::runtime_error("cannot read " + csv_path);
    std::map<std::string, std::vector<std::pair<double, double>>> series;  // measure -> (n, p99)
    std::vector<std::string> order;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        double users = 0, p99 = 0;
        std::string measure;
        if (!parse_line(line, users, measure, p99)) continue;
        // Rates and concurrent loads are not single-request latencies.
        if (measure.find("connections") != std::string::npos || p99 <= 0) continue;
        if (!series.count(measure)) order.push_back(measure);
        series[measure].push_back({users, p99});
    }
    if (series.empty()) throw std::runtime_error("no latencies in " + csv_path);
    double min_n = 1e300, max_n = 0, min_y = 1e300, max_y = 0;
    for (const auto& [m, pts] : series)
        for (auto [n, y] : pts) {
            min_n = std::min(min_n, n), max_n = std::max(max_n, n);
            min_y = std::min(min_y, y), max_y = std::max(max_y, y);
        }
    const double lo_y = std::pow(10, std::floor(std::log10(min_y)));
    const double hi_y = std::pow(10, std::ceil(std::log10(max_y)));
    if (max_n <= min_n) max_n = min_n * 10;
    const int W = 1000, H = 480, L = 70, R = 400, T = 30, B = 50;
    auto x = [&](double n) {
        return L + (std::log10(n) - std::log10(min_n)) / (std::log10(max_n) - std::log10(min_n)) *
                       (W - L - R);
    };
    auto y = [&](double v) {
        return H - B -
               (std::log10(v) - std::log10(lo_y)) / (std::log10(hi_y) - std::log10(lo_y)) *
                   (H - T - B);
    };
    static const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                     "#393b79", "#637939", "#843c39", "#5254a3"};
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << L << "\" y=\"18\" font-size=\"14\">p99 latency (ms, one connection) "
      << "as the org grows</text>\n";
    for (double v = lo_y; v <= hi_y * 1.001; v *= 10) {
        s << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << y(v) << "\" y2=\"" << y(v)
          << "\" stroke=\"#ddd\"/>\n<text x=\"" << L - 8 << "\" y=\"" << y(v) + 4
          << "\" text-anchor=\"end\">" << v << "</text>\n";
    }
    std::vector<double> steps;
    for (const auto& [m, pts] : series)
        for (auto [n, v] : pts)
            if (std::find(steps.begin(), steps.end(), n) == steps.end()) steps.push_back(n);
    for (double n : steps)
        s << "<line x1=\"" << x(n) << "\" x2=\"" << x(n) << "\" y1=\"" << T << "\" y2=\"" << H - B
          << "\" stroke=\"#ddd\"/>\n<text x=\"" << x(n) << "\" y=\"" << H - B + 18
          << "\" text-anchor=\"middle\">" << static_cast<long long>(n) << "</text>\n";
    s << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 10
      << "\" text-anchor=\"middle\">users in the org</text>\n";
    for (size_t i = 0; i < order.size(); ++i) {
        const char* colour = kColours[i % std::size(kColours)];
        s << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << colour << "\" points=\"";
        for (auto [n, v] : series[order[i]]) s << x(n) << "," << y(v) << " ";
        s << "\"/>\n";
        const double ly = T + 14 + 17.0 * double(i);
        s << "<line x1=\"" << W - R + 15 << "\" x2=\"" << W - R + 35 << "\" y1=\"" << ly - 4
          << "\" y2=\"" << ly - 4 << "\" stroke-width=\"2\" stroke=\"" << colour << "\"/>\n"
          << "<text x=\"" << W - R + 40 << "\" y=\"" << ly << "\" font-size=\"11\">"
          << escape(order[i]) << "</text>\n";
    }
    s << "</svg>\n";
    std::ofstream out(svg_path);
    out << s.str();
    if (!out) throw std::runtime_error("cannot write " + svg_path);
}

}  // namespace idledger::bench
