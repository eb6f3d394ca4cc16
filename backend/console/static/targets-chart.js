// The 四升一降 page's monthly trend, drawn by ECharts from the JSON block #trend-data.
(function () {
  var source = document.getElementById("trend-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var trend = echarts.init(document.getElementById("trend"));
  trend.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["投诉量", "党组织覆盖率", "业委会组建率", "红色业委会占比", "按时办结率", "满意率"] },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: "件", minInterval: 1 },
      { type: "value", name: "%", min: 0, max: 100 }
    ],
    series: [
      { name: "投诉量", type: "bar", data: data.complaints },
      { name: "党组织覆盖率", type: "line", yAxisIndex: 1, data: data.coverage },
      { name: "业委会组建率", type: "line", yAxisIndex: 1, data: data.formation },
      { name: "红色业委会占比", type: "line", yAxisIndex: 1, data: data.party_led },
      { name: "按时办结率", type: "line", yAxisIndex: 1, connectNulls: false, data: data.on_time },
      { name: "满意率", type: "line", yAxisIndex: 1, connectNulls: false, data: data.satisfied }
    ]
  });
  window.addEventListener("resize", function () { trend.resize(); });
})();
