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
.figure>svg{width:100%;height:auto;display:block;max-height:86vh}
.attribution{font-size:12px;color:#555;margin:4px 2px}
.attribution a{color:#555}
path.town{stroke:#737373;stroke-width:calc(1.3px*var(--iz,1));stroke-linejoin:round;cursor:pointer}
path.town:hover,path.town.hl{stroke:#000;stroke-width:calc(5px*var(--iz,1))}
path.town:focus{outline:none;stroke:#08306b;stroke-width:calc(6px*var(--iz,1))}
.tlabel{font-size:calc(17px*var(--sz,1));fill:#222;stroke:#fff;stroke-width:calc(4px*var(--sz,1));paint-order:stroke;stroke-linejoin:round;text-anchor:middle;pointer-events:none}
#uncovered{stroke-width:calc(5px*var(--sz,1))}
.fac circle{r:calc(7px*var(--sz,1));stroke-width:calc(2px*var(--sz,1))}
.fac.pl circle{stroke-width:calc(3px*var(--sz,1))}
.map-figure{position:relative}
.map-figure.live>svg{touch-action:pan-y;user-select:none;-webkit-user-select:none}
.map-figure.zoomed>svg{touch-action:none;cursor:grab}
.map-tools{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;margin:0 0 6px;font-size:13px}
.map-zoom{display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.map-tools button{min-width:34px;height:32px;font-size:16px;border:1px solid #999;background:#f4f4f4;border-radius:3px;cursor:pointer}
.map-tools button[data-zoom=reset]{font-size:13px}
.map-hint{color:#666;font-size:12px;margin-left:6px}
.map-layers{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 12px}
.map-layers legend{float:left;font-weight:600;margin-right:8px}
.map-layers label{white-space:nowrap;cursor:pointer}
.map-tip{position:absolute;z-index:5;max-width:320px;background:#fff;border:1px solid #666;box-shadow:0 2px 8px rgba(0,0,0,.25);padding:6px 9px;font-size:13px;pointer-events:none}
.map-tip.pinned{pointer-events:auto}
.map-tools[hidden],.map-tip[hidden]{display:none}
.map-tip strong{display:block;font-size:14px;margin-bottom:2px}
.map-tip dl{display:grid;grid-template-columns:max-content auto;gap:1px 10px;margin:0 0 3px}
.map-tip dt{color:#555}.map-tip dd{margin:0;font-variant-numeric:tabular-nums}
.map-tip a{font-size:12px}
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
.figure>svg{max-height:none}
.scroll{max-height:75vh}
table.compliance{font-size:12px}
table.compliance th{min-width:76px;word-break:keep-all;overflow-wrap:anywhere}
table.compliance th.tn,table.compliance tbody td:first-child{min-width:78px;max-width:96px}
.towns{grid-template-columns:1fr}
.map-hint{display:none}
.map-tip{max-width:260px}
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
.map-tools,.map-tip{display:none!important}
.figure>svg{max-height:250mm}
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
  document.querySelectorAll('tr.town-row').forEach(function(r){
    var p=document.getElementById('map-town-'+r.getAttribute('data-t'));
    if(!p) return;
    r.addEventListener('mouseenter',function(){p.classList.add('hl');});
    r.addEventListener('mouseleave',function(){p.classList.remove('hl');});
  });
})();
)JS";

const char* const kMapJs = R"JS(
(function(){
  // The map (report_html_map.hpp): pan and zoom move the viewBox of the inner svg #map-pane; a
  // town under the mouse, tapped or focused fills #map-tip from the JSON in #map-data (display
  // texts only); the check boxes hide the elements whose data-layers name an unchecked key.
  var outer=document.getElementById('map'), pane=document.getElementById('map-pane'), tools=document.getElementById('map-tools'),
      tip=document.getElementById('map-tip'), json=document.getElementById('map-data');
  if(!outer||!pane||!tools||!tip||!json) return;
  var data=JSON.parse(json.textContent), fig=outer.parentNode, bar=document.getElementById('scalebar');
  var W=pane.viewBox.baseVal.width, H=pane.viewBox.baseVal.height, OW=outer.viewBox.baseVal.width, OH=outer.viewBox.baseVal.height;
  var mpu=+pane.getAttribute('data-m-per-unit'), MAXZ=40;
  var view={x:0,y:0,z:1};  // top-left corner in map units; zoom (1 = the whole map)
  var shown=null, pinned=false;
  tools.hidden=false; fig.classList.add('live'); outer.setAttribute('role','group');

  function r2(x){return Math.round(x*100)/100;}
  function apply(){
    var w=W/view.z, h=H/view.z;
    view.x=Math.min(Math.max(view.x,0),W-w); view.y=Math.min(Math.max(view.y,0),H-h);  // never off the map
    pane.setAttribute('viewBox',r2(view.x)+' '+r2(view.y)+' '+r2(w)+' '+r2(h));
    // Outlines, dots and names keep about their size on screen instead of growing with the zoom.
    pane.style.setProperty('--iz',1/view.z); pane.style.setProperty('--sz',1/Math.sqrt(view.z));
    fig.classList.toggle('zoomed',view.z>1);
    scalebar();
    if(shown&&pinned) place(centre(shown));
  }
  // Client pixels -> outer SVG units (the outer svg is scaled to fit and centred).
  function toOuter(cx,cy){
    var b=outer.getBoundingClientRect(), s=Math.min(b.width/OW,b.height/OH);
    return {x:(cx-b.left-(b.width-OW*s)/2)/s, y:(cy-b.top-(b.height-OH*s)/2)/s, s:s};
  }
  function inPane(o){return o.x>=0&&o.y>=0&&o.x<=W&&o.y<=H;}
  // Zoom by f keeping the map point under (px, py) (outer units, inside the pane) in place.
  function zoomAt(f,px,py){
    var z=Math.min(Math.max(view.z*f,1),MAXZ), mx=view.x+px/view.z, my=view.y+py/view.z;
    view.z=z; view.x=mx-px/z; view.y=my-py/z; apply();
  }
  function reset(){view={x:0,y:0,z:1}; apply();}
  // The scale bar: the longest round length (1, 2, 5 x 10^n) within a quarter of the view.
  function scalebar(){
    var rs=bar?bar.querySelectorAll('rect'):[], ts=bar?bar.querySelectorAll('text'):[];
    if(rs.length<2||ts.length<2) return;
    var max=+bar.getAttribute('data-max-m')/view.z, km=0;
    for(var e=-2;e<=4;e++) [1,2,5].forEach(function(m){var k=m*Math.pow(10,e); if(k*1000<=max*(1+1e-9)) km=k;});
    if(!km) return;
    var len=Math.round(km*1000/mpu*view.z), x0=+rs[0].getAttribute('x'), half=Math.floor(len/2);
    rs[0].setAttribute('width',half); rs[1].setAttribute('x',x0+half); rs[1].setAttribute('width',len-half);
    ts[1].setAttribute('x',x0+len);
    ts[1].textContent=km>=1?km.toFixed(0)+' km':km>=0.1?km.toFixed(1)+' km':Math.round(km*1000)+' m';
  }

  // ---- the town panel
  function el(tag,text){var e=document.createElement(tag); e.textContent=text; return e;}
  function centre(p){var b=p.getBoundingClientRect(); return [b.left+b.width/2,b.top+b.height/2];}
  function place(c){  // beside the point, flipped and clamped to stay inside the figure
    var f=fig.getBoundingClientRect(), w=tip.offsetWidth, h=tip.offsetHeight, x=c[0]-f.left+14, y=c[1]-f.top+14;
    if(x+w>f.width) x=c[0]-f.left-14-w;
    if(y+h>f.height) y=c[1]-f.top-14-h;
    tip.style.left=Math.max(0,Math.min(x,f.width-w))+'px'; tip.style.top=Math.max(0,Math.min(y,f.height-h))+'px';
  }
  function show(p,c,pin){
    var t=+p.getAttribute('data-t'), d=data.towns[t];
    if(!d) return;
    if(shown!==p){
      hide();
      tip.textContent='';
      tip.appendChild(el('strong',d[0]));
      var dl=document.createElement('dl');
      data.fields.forEach(function(f,i){dl.appendChild(el('dt',f)); dl.appendChild(el('dd',d[i+1]));});
      tip.appendChild(dl);
      var a=el('a',data.more); a.href='#town-'+t; tip.appendChild(a);
      shown=p; p.classList.add('hl');
    }
    pinned=pin; tip.classList.toggle('pinned',pin); tip.hidden=false; place(c);
  }
  function hide(){if(shown) shown.classList.remove('hl'); shown=null; pinned=false; tip.hidden=true;}
  pane.querySelectorAll('path.town').forEach(function(p){
    var title=p.querySelector('title');  // the panel replaces the browser's own tooltip
    if(title){p.setAttribute('aria-label',title.textContent); p.removeChild(title);}
    p.setAttribute('tabindex','0');
    // Not over a pinned panel's own town: a tap's emulated mousemove would unpin it.
    p.addEventListener('mousemove',function(e){if(!drag&&!(pinned&&shown===p)) show(p,[e.clientX,e.clientY],false);});
    p.addEventListener('mouseleave',function(){if(!pinned) hide();});
    p.addEventListener('focus',function(){show(p,centre(p),true);});
    p.addEventListener('blur',function(e){if(!tip.contains(e.relatedTarget)) hide();});
    p.addEventListener('keydown',function(e){if(e.key==='Enter') location.hash='town-'+p.getAttribute('data-t');});
  });

  // ---- pan (one pointer), pinch (two), wheel, buttons, keys
  var pts={}, last=null, moved=0, drag=false, downTown=null, downType='mouse';
  function gesture(){
    var k=Object.keys(pts);
    if(!k.length) return null;
    var a=pts[k[0]], b=pts[k[1]]||a;
    return {x:(a.x+b.x)/2, y:(a.y+b.y)/2, d:Math.hypot(a.x-b.x,a.y-b.y), n:Math.min(k.length,2)};
  }
  outer.addEventListener('pointerdown',function(e){
    if(e.button>0||!inPane(toOuter(e.clientX,e.clientY))) return;
    e.preventDefault();  // no text selection while dragging
    pts[e.pointerId]={x:e.clientX,y:e.clientY};
    last=gesture();
    if(last.n===1){moved=0; drag=false; downType=e.pointerType; downTown=e.target.closest?e.target.closest('path.town'):null;}
  });
  outer.addEventListener('pointermove',function(e){
    if(!pts[e.pointerId]) return;
    pts[e.pointerId]={x:e.clientX,y:e.clientY};
    var g=gesture(), o=toOuter(g.x,g.y);
    if(g.n===last.n){
      moved+=Math.abs(g.x-last.x)+Math.abs(g.y-last.y);
      if(!drag&&(moved>4||g.n>1)){
        drag=true; hide();
        // Captured only once it is a drag, so that a plain click still lands on its town.
        Object.keys(pts).forEach(function(id){try{outer.setPointerCapture(+id);}catch(err){}});
      }
      if(drag){
        view.x-=(g.x-last.x)/o.s/view.z; view.y-=(g.y-last.y)/o.s/view.z;
        if(g.n>1&&last.d>0) zoomAt(g.d/last.d,o.x,o.y); else apply();
      }
    }
    last=g;
  });
  function up(e){
    if(!pts[e.pointerId]) return;
    delete pts[e.pointerId];
    last=gesture();
    if(!last&&!drag&&downType!=='mouse'&&e.type==='pointerup'){  // a tap: the panel, pinned
      if(downTown) show(downTown,[e.clientX,e.clientY],true); else hide();
    }
  }
  outer.addEventListener('pointerup',up);
  outer.addEventListener('pointercancel',up);
  outer.addEventListener('click',function(e){  // a mouse click on a town opens its card
    var p=e.target.closest?e.target.closest('path.town'):null;
    if(p&&!drag&&downType==='mouse') location.hash='town-'+p.getAttribute('data-t');
  });
  outer.addEventListener('wheel',function(e){
    var o=toOuter(e.clientX,e.clientY), dy=e.deltaY*(e.deltaMode===1?33:e.deltaMode===2?400:1);
    if(!inPane(o)||(dy>0&&view.z<=1)) return;  // zoomed out fully: the page scrolls on
    e.preventDefault();
    zoomAt(Math.exp(-dy*0.002),o.x,o.y);
  },{passive:false});
  tools.addEventListener('click',function(e){
    var b=e.target.closest('button');
    if(!b) return;
    var z=b.getAttribute('data-zoom');
    if(z==='reset') reset(); else zoomAt(z==='in'?1.5:1/1.5,W/2,H/2);
  });
  outer.addEventListener('keydown',function(e){
    var step={ArrowLeft:[-1,0],ArrowRight:[1,0],ArrowUp:[0,-1],ArrowDown:[0,1]}[e.key];
    if(step){view.x+=step[0]*W/10/view.z; view.y+=step[1]*H/10/view.z; apply(); e.preventDefault();}
    else if(e.key==='+'||e.key==='=') zoomAt(1.5,W/2,H/2);
    else if(e.key==='-') zoomAt(1/1.5,W/2,H/2);
    else if(e.key==='Escape') hide();
  });

  // ---- layers
  var boxes=tools.querySelectorAll('input[type=checkbox]'), layered=pane.querySelectorAll('[data-layers]');
  function layers(){
    var off={};
    boxes.forEach(function(b){if(!b.checked) off[b.value]=1;});
    layered.forEach(function(l){
      l.style.display=l.getAttribute('data-layers').split(' ').some(function(k){return off[k];})?'none':'';
    });
    if(off.towns) hide();
  }
  tools.addEventListener('change',layers);
  layers();  // a reload may restore unchecked boxes

  // ---- print: the whole map, whatever the view on screen
  var saved=null;
  window.addEventListener('beforeprint',function(){saved=view; hide(); reset();});
  window.addEventListener('afterprint',function(){if(saved){view=saved; saved=null; apply();}});
})();
)JS";

}  // namespace lc::cov
