@echo off
rem Starts a Starling broker node in the foreground: bin\starling.cmd [-c FILE] [-v]
rem
rem   -c FILE  configuration file (default: conf\starling.conf of this installation)
rem   -v       log every packet received and sent
rem
rem Environment: JAVA_HOME (else java on the PATH), JAVA_OPTS and STARLING_OPTS (JVM
rem options), STARLING_... (configuration overrides, e.g. STARLING_LISTENER_PORT=1884).
rem The JVM runs in the installation directory, so relative paths in the configuration
rem are relative to it; a relative -c FILE is relative to the current directory.
setlocal EnableExtensions

for %%i in ("%~dp0..") do set "STARLING_HOME=%%~fi"

if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA=java.exe"
)
if defined JAVA_HOME if not exist "%JAVA%" (
  echo starling: JAVA_HOME is "%JAVA_HOME%" but "%JAVA%" does not exist; set JAVA_HOME to a Java 17 ^(or newer^) installation 1>&2
  exit /b 1
)

rem The version is the third word of the first line of "java -version", in quotes:
rem "17.0.15", "21", "1.8.0_292". Its major version is the first number, or the second after "1.".
rem (%%JAVA%% is expanded by the inner cmd, so a path with parentheses cannot break this
rem line; "call" keeps that cmd from stripping the quotes around it.)
set "JAVA_VERSION="
for /f "tokens=3" %%v in ('call "%%JAVA%%" -version 2^>^&1 ^| findstr /i /c:" version "') do (
  if not defined JAVA_VERSION set "JAVA_VERSION=%%~v"
)
if not defined JAVA_VERSION (
  echo starling: could not run "%JAVA%"; install Java 17 or newer, or set JAVA_HOME 1>&2
  exit /b 1
)
for /f "tokens=1,2 delims=._-+" %%a in ("%JAVA_VERSION%") do (
  set "JAVA_MAJOR=%%a"
  if "%%a"=="1" set "JAVA_MAJOR=%%b"
)
if %JAVA_MAJOR% LSS 17 (
  echo starling: Starling needs Java 17 or newer, but "%JAVA%" is version %JAVA_VERSION%; set JAVA_HOME to a Java 17+ installation 1>&2
  exit /b 1
)

rem Rebuild the arguments: -c FILE made absolute (%%~f) before changing directory.
set "ARGS="
set "HAS_CONFIG="
:args
if "%~1"=="" goto run
if "%~1"=="-c" goto config
if "%~1"=="--config" goto config
set ARGS=%ARGS% "%~1"
shift
goto args
:config
set "HAS_CONFIG=1"
set ARGS=%ARGS% -c "%~f2"
shift
shift
goto args

:run
if not defined HAS_CONFIG set ARGS=-c "%STARLING_HOME%\conf\starling.conf" %ARGS%

rem Hazelcast (cluster-hazelcast) asks for these on Java 17; harmless without it.
set MODULE_OPTS=--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
rem Netty allocates its pooled direct memory itself, bounded by its own count against
rem -XX:MaxDirectMemorySize (default: the maximum heap), rather than through
rem ByteBuffer.allocateDirect, which zeroes every new 4 MiB pool chunk: each chunk would be
rem resident in full as soon as a few bytes of it are used.
set NETTY_OPTS=-Dio.netty.tryReflectionSetAccessible=true --add-opens java.base/java.nio=ALL-UNNAMED

cd /d "%STARLING_HOME%"
"%JAVA%" "-Dstarling.home=%STARLING_HOME%" "-Dlogback.configurationFile=%STARLING_HOME%\conf\logback.xml" %MODULE_OPTS% %NETTY_OPTS% %JAVA_OPTS% %STARLING_OPTS% -cp "%STARLING_HOME%\lib\*" io.starling.Main %ARGS%
exit /b %ERRORLEVEL%
