// The trace types the portal draws, and nothing else: bar (portal/charts.py miit_bars and the bureau
// dashboard), scatter (in plotly.js core: the bureau trend lines) and scatterpolar (the result page
// radar), with the zh-CN locale (number, date and interface texts of charts on Chinese pages).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scatterpolar'),
    require('plotly.js/lib/locales/zh-cn'),
]);

module.exports = Plotly;
