// The style sheet and script inlined into report.html (one self-contained page, no network).
#include "coverage/report/report_html_assets.hpp"

namespace lc::cov {

const char* const kReportCss = R"CSS(
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC","Helvetica Neue",Arial,sans-serif;color:#222;background:#f6f6f4;font-size:14px;line-height:1.45}
main{max-width:1400px;margin:0 auto;padding:16px 24px 40px}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ccc;padding-bottom:4px}
.note{background:#fff6d6;border-left:4px solid #e6a700;padding:8px 12px;margin:8px 0 12px}
.summary{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.summary dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0;background:#fff;padding:10px 14px;border:1px solid #ddd}
.summary dt{color:#555}.summary dd{margin:0;font-weight:600}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #d4d4d4;padding:4px 6px;vertical-align:top}
th{background:#ececec;font-weight:600;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.circles td,.circles th{padding:3px 10px}
.figure{background:#fff;border:1px solid #ddd;padding:6px}
.figure svg{width:100%;height:auto;display:block;max-height:86vh}
.attribution{font-size:12px;color:#555;margin:4px 2px}
.attribution a{color:#555}
path.town{stroke:#737373;stroke-width:1.3;stroke-linejoin:round;cursor:pointer}
path.town:hover,path.town.hl{stroke:#000;stroke-width:5}
.tlabel{font-size:17px;fill:#222;stroke:#fff;stroke-width:4;paint-order:stroke;stroke-linejoin:round;text-anchor:middle;pointer-events:none}
.legend text{font-size:30px;fill:#222}.legend .small{font-size:24px;fill:#555}
.scroll{overflow:auto;max-width:100%;max-height:85vh;border:1px solid #ddd}
table.compliance{font-size:13px}
table.compliance th{position:sticky;top:0;z-index:2;cursor:pointer;min-width:100px;font-size:12px}
table.compliance tbody td:first-child,table.compliance tfoot td:first-child{position:sticky;left:0;background:#fff;z-index:1}
table.compliance thead th:first-child{left:0;z-index:3}
table.compliance th.tn{min-width:120px}
table.compliance th[aria-sort=ascending]::after{content:" \25B2"}
table.compliance th[aria-sort=descending]::after{content:" \25BC"}
.badge{display:inline-block;background:#7a0177;color:#fff;border-radius:3px;padding:0 4px;font-size:11px;margin-left:3px}
.tgt{display:block;font-weight:400;color:#555}
td.st-met{background:#d9f0d3}
td.st-missed{background:#fdd0c5}
td.st-nodata{background:#eee;color:#777}
.gap{display:block;font-size:11px;color:#7f0000}
.st-nodata .gap{color:#666}
tr.town-row:hover td{outline:1px solid #999}
tfoot td{font-weight:600;border-top:2px solid #888}
.key span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #ccc}
.towns{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px}
.town-card{background:#fff;border:1px solid #ddd;padding:8px 10px}
.town-card:target{outline:3px solid #08306b}
.town-card h3{margin:0 0 4px;font-size:15px}
@media (max-width:600px){
main{padding:8px 6px 24px}
h1{font-size:19px}
.summary{display:block}
.summary dl{grid-template-columns:auto;margin-bottom:8px}
.summary dd{margin-bottom:4px}
.figure{padding:0;border-left:0;border-right:0;margin:0 -6px}
.figure svg{max-height:none}
.scroll{max-height:75vh}
table.compliance{font-size:12px}
table.compliance th{min-width:76px;word-break:keep-all;overflow-wrap:anywhere}
table.compliance th.tn,table.compliance tbody td:first-child{min-width:78px;max-width:96px}
.towns{grid-template-columns:1fr}
}
@media print{
@page{size:A4;margin:12mm}
body{background:#fff;font-size:9.5pt}
main{max-width:none;padding:0}
.scroll{overflow:visible;max-height:none;border:0}
table.compliance th,table.compliance tbody td:first-child,table.compliance tfoot td:first-child,table.compliance thead th:first-child{position:static}
thead{display:table-header-group}
tr{break-inside:avoid}
h2{break-after:avoid}
.figure{break-inside:avoid;border:0}
.figure svg{max-height:250mm}
.town-card{break-inside:avoid}
}
.town-card h3 small{color:#777;font-weight:400}
.bar{display:flex;align-items:center;gap:6px;font-size:12px}
.bar .b{flex:1;height:9px;background:#eee;position:relative}
.bar .b i{position:absolute;left:0;top:0;bottom:0;background:#2c7fb8}
.bar .l{width:58px}.bar .v{width:48px;text-align:right}
.town-card ul{margin:4px 0 0;padding-left:18px;font-size:12px}
.ok{color:#1a7a36;font-size:12px}
footer{margin-top:30px;font-size:12px;color:#555}
)CSS";

const char* const kReportJs = R"JS(
(function(){
  function val(td){var v=td.getAttribute('data-v');return v===null?td.textContent.trim():v;}
  document.querySelectorAll('table.sortable').forEach(function(t){
    var ths=t.tHead.rows[0].cells;
    Array.prototype.forEach.call(ths,function(th,i){
      th.tabIndex=0;
      function go(){
        var asc=th.getAttribute('aria-sort')!=='ascending', num=th.getAttribute('data-type')==='num';
        Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var tb=t.tBodies[0], rows=Array.prototype.slice.call(tb.rows);
        rows.sort(function(a,b){
          var x=val(a.cells[i]), y=val(b.cells[i]);
          if(x===''||y==='') return (x==='')-(y==='');
          var c=num?parseFloat(x)-parseFloat(y):x.localeCompare(y,document.documentElement.lang);
          return asc?c:-c;
        });
        rows.forEach(function(r){tb.appendChild(r);});
      }
      th.addEventListener('click',go);
      th.addEventListener('keydown',function(e){if(e.key==='Enter'){go();}});
    });
  });
  document.querySelectorAll('path.town').forEach(function(p){
    p.addEventListener('click',function(){location.hash='town-'+p.getAttribute('data-t');});
  });
  document.querySelectorAll('tr.town-row').forEach(function(r){
    var p=document.getElementById('map-town-'+r.getAttribute('data-t'));
    if(!p) return;
    r.addEventListener('mouseenter',function(){p.classList.add('hl');});
    r.addEventListener('mouseleave',function(){p.classList.remove('hl');});
  });
})();
)JS";

}  // namespace lc::cov
